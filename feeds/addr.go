package feeds

import (
	"fmt"
	"net/netip"
)

// The address check refuses what a feed must never make the bot reach:
// loopback, private, link-local, multicast and the like. IPv6 has several
// ways of carrying an IPv4 address (a NAT64 gateway, a 6to4 or Teredo relay,
// the old IPv4-compatible and IPv4-translated forms), and each lands on that
// IPv4 host: 64:ff9b::a9fe:a9fe is 169.254.169.254 through any NAT64. So an
// IPv6 address that carries one is judged by the IPv4 address it carries as
// well as by itself.

var (
	sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork        = netip.MustParsePrefix("0.0.0.0/8")
)

// embedding is one IPv6 form that carries IPv4 addresses.
type embedding struct {
	name   string
	prefix netip.Prefix
	// carried returns the IPv4 addresses the form leads to, and false when
	// the address is in the prefix but not in a layout the check can read
	// (which is refused: what cannot be checked is not dialled).
	carried func(b [16]byte) ([]netip.Addr, bool)
}

// embeddings are the forms of RFC 4291 (IPv4-compatible; IPv4-mapped
// addresses are unmapped before anything else and judged as IPv4),
// RFC 2765 (IPv4-translated), RFC 6052 and RFC 8215 (NAT64), RFC 3056
// (6to4) and RFC 4380 (Teredo).
var embeddings = []embedding{
	{"NAT64 64:ff9b::/96", netip.MustParsePrefix("64:ff9b::/96"), lastFour},
	// The local-use prefix lets the operator choose where the IPv4 address
	// sits (RFC 6052 §2.2: after /48, /56, /64 or /96). The bot cannot know
	// the translator's choice, so only the /96 layout (bits 48–95 zero) is
	// read; any other layout is refused rather than guessed.
	{"NAT64 local-use 64:ff9b:1::/48", netip.MustParsePrefix("64:ff9b:1::/48"), func(b [16]byte) ([]netip.Addr, bool) {
		if b[6]|b[7]|b[8]|b[9]|b[10]|b[11] != 0 {
			return nil, false
		}
		return lastFour(b)
	}},
	{"6to4 2002::/16", netip.MustParsePrefix("2002::/16"), func(b [16]byte) ([]netip.Addr, bool) {
		return []netip.Addr{netip.AddrFrom4([4]byte(b[2:6]))}, true
	}},
	// Teredo carries the relay server's address and the client's, the
	// client's with its bits inverted; a connection reaches both.
	{"Teredo 2001::/32", netip.MustParsePrefix("2001::/32"), func(b [16]byte) ([]netip.Addr, bool) {
		client := [4]byte{^b[12], ^b[13], ^b[14], ^b[15]}
		return []netip.Addr{netip.AddrFrom4([4]byte(b[4:8])), netip.AddrFrom4(client)}, true
	}},
	{"IPv4-translated ::ffff:0:0:0/96", netip.MustParsePrefix("::ffff:0:0:0/96"), lastFour},
	// Last: ::/96 holds :: and ::1 too, which are judged as themselves
	// first.
	{"IPv4-compatible ::/96", netip.MustParsePrefix("::/96"), lastFour},
}

func lastFour(b [16]byte) ([]netip.Addr, bool) {
	return []netip.Addr{netip.AddrFrom4([4]byte(b[12:16]))}, true
}

// verdict is why an address is refused; the zero verdict means public.
type verdict struct {
	kind    string     // "loopback", "private", …
	carried netip.Addr // the IPv4 address at fault, when carried by form
	form    string
}

func isPublic(ip netip.Addr) bool { return judge(ip).kind == "" }

// describeAddr says why ip is refused, for the error message: "loopback
// address", "link-local address 169.254.169.254 carried by NAT64 …".
func describeAddr(ip netip.Addr) string {
	v := judge(ip)
	switch {
	case v.form == "":
		return v.kind + " address"
	case !v.carried.IsValid():
		return fmt.Sprintf("%s address (%s in a layout that cannot be checked)", v.kind, v.form)
	}
	return fmt.Sprintf("%s address %s carried by %s", v.kind, v.carried, v.form)
}

// judge checks ip as itself, then each IPv4 address it carries.
func judge(ip netip.Addr) verdict {
	ip = ip.Unmap()
	if kind := addrKind(ip); kind != "" {
		return verdict{kind: kind}
	}
	if !ip.Is6() {
		return verdict{}
	}
	b := ip.As16()
	for _, e := range embeddings {
		if !e.prefix.Contains(ip) {
			continue
		}
		carried, ok := e.carried(b)
		if !ok {
			return verdict{kind: "non-public", form: e.name}
		}
		for _, v4 := range carried {
			if kind := addrKind(v4); kind != "" {
				return verdict{kind: kind, carried: v4, form: e.name}
			}
		}
		return verdict{}
	}
	return verdict{}
}

// addrKind names why an address, taken as itself, is not public, or ""
// if it is.
func addrKind(ip netip.Addr) string {
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case ip.IsUnspecified(), thisNetwork.Contains(ip):
		return "unspecified"
	case ip.IsMulticast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	case sharedAddressSpace.Contains(ip):
		return "carrier-grade NAT"
	}
	return ""
}
