package feeds

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestEmbeddedIPv4 checks every IPv6 form that carries an IPv4 address on
// the address it carries: the same IPv4 host is refused or allowed whatever
// form it arrives in.
func TestEmbeddedIPv4(t *testing.T) {
	cases := []struct {
		form, addr string
		// kind is why it is refused; "" means public.
		kind string
	}{
		{"NAT64", "64:ff9b::a9fe:a9fe", "link-local"}, // 169.254.169.254
		{"NAT64", "64:ff9b::7f00:1", "loopback"},
		{"NAT64", "64:ff9b::10.1.2.3", "private"},
		{"NAT64", "64:ff9b::c0a8:101", "private"}, // 192.168.1.1
		{"NAT64", "64:ff9b::6440:1", "carrier-grade NAT"},
		{"NAT64", "64:ff9b::", "unspecified"},
		{"NAT64", "64:ff9b::808:808", ""}, // 8.8.8.8
		{"NAT64 local-use", "64:ff9b:1::a9fe:a9fe", "link-local"},
		{"NAT64 local-use", "64:ff9b:1::10.0.0.1", "private"},
		{"NAT64 local-use", "64:ff9b:1::808:808", ""},
		{"NAT64 local-use, another layout", "64:ff9b:1:808:8:800::", "non-public"},
		{"6to4", "2002:a9fe:a9fe::1", "link-local"},
		{"6to4", "2002:7f00:1::", "loopback"},
		{"6to4", "2002:0a00:0001:1::1", "private"},
		{"6to4", "2002:808:808::1", ""},
		{"Teredo client", "2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"}, // client 127.0.0.1, bits inverted
		{"Teredo client", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "private"},  // client 10.0.0.1
		{"Teredo server", "2001:0:a00:1:8000:63bf:f7f7:f7f7", "private"},
		{"Teredo", "2001:0:4136:e378:8000:63bf:f7f7:f7f7", ""}, // server 65.54.227.120, client 8.8.8.8
		{"IPv4-compatible", "::169.254.169.254", "link-local"},
		{"IPv4-compatible", "::10.0.0.1", "private"},
		{"IPv4-compatible", "::127.0.0.1", "loopback"},
		{"IPv4-compatible", "::8.8.8.8", ""},
		{"IPv4-mapped", "::ffff:169.254.169.254", "link-local"},
		{"IPv4-mapped", "::ffff:192.168.0.1", "private"},
		{"IPv4-mapped", "::ffff:8.8.8.8", ""},
		{"IPv4-translated", "::ffff:0:a9fe:a9fe", "link-local"},
		{"IPv4-translated", "::ffff:0:10.0.0.1", "private"},
		{"IPv4-translated", "::ffff:0:8.8.8.8", ""},
		{"plain IPv6", "::1", "loopback"},
		{"plain IPv6", "::", "unspecified"},
		{"plain IPv6", "2606:2800:220:1:248:1893:25c8:1946", ""},
	}
	for _, tc := range cases {
		t.Run(tc.form+"/"+tc.addr, func(t *testing.T) {
			ip := netip.MustParseAddr(tc.addr)
			if got := judge(ip).kind; got != tc.kind {
				t.Errorf("%s judged %q, want %q", tc.addr, got, tc.kind)
			}
			if isPublic(ip) != (tc.kind == "") {
				t.Errorf("isPublic(%s) = %v", tc.addr, isPublic(ip))
			}
			// The dial-time check sees the address actually dialled.
			f := NewFetcher(FetcherConfig{})
			defer f.Close()
			err := f.control("tcp", netip.AddrPortFrom(ip, 443).String(), nil)
			if refused := errors.Is(err, ErrPrivateAddress); refused != (tc.kind != "") {
				t.Errorf("control(%s) = %v", tc.addr, err)
			}
		})
	}
}

// TestFetchRefusesNAT64Metadata: a feed host resolving to the cloud
// metadata address behind NAT64 is refused before any connection, with a
// message naming the IPv4 address it leads to.
func TestFetchRefusesNAT64Metadata(t *testing.T) {
	f := NewFetcher(FetcherConfig{RequestTimeout: 2 * time.Second})
	defer f.Close()
	var dials atomic.Int32
	resolveTo(f, &dials, "64:ff9b::a9fe:a9fe")
	_, err := f.Fetch(context.Background(), "http://feed.test/rss", Validators{})
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("error = %v, want ErrPrivateAddress", err)
	}
	want := "64:ff9b::a9fe:a9fe is a link-local address 169.254.169.254 carried by NAT64 64:ff9b::/96"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q\nwant it to say %q", err, want)
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("%d connections tried, want none", n)
	}
}
