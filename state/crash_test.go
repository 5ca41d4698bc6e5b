package state

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

const crashEnv = "CROSSCHECK_CRASH_STORE"

// crashItem is item n of the crash workload: 1 to 3 claims by rotating
// claimants with figures far enough apart to raise conflicts, evidence and
// revisions as the ledger fills.
func crashItem(n int) feeds.PolledItem {
	id := fmt.Sprintf("item-%06d", n)
	at := published.Add(time.Duration(n) * time.Hour)
	var cs []claim.Claim
	for j := range n%3 + 1 {
		v := float64(100 * (1 + (n+j)%5))
		cs = append(cs, claim.Claim{
			Kind: claim.Figure, Subject: nkSoldie, Measure: []string{"killed", "wounded", "captured"}[j], Place: "kursk",
			Value: claim.Point(v), ValueText: fmt.Sprint(v), Claimant: fmt.Sprintf("Claimant %d", (n+j)%7),
			Outlet: fmt.Sprintf("Outlet %d", n%4), URL: "https://crash.example/" + id,
			Published: at, AsOf: at, Sentence: fmt.Sprintf("Claimant %d said %v.", (n+j)%7, v),
		})
	}
	return feeds.PolledItem{Item: feeds.ItemRecord{ID: id, Outlet: "Outlet", URL: "https://crash.example/" + id, Published: at}, Claims: cs}
}

// TestCrashChild is the child process of TestCrashConsistency: it polls
// forever into the store named by the environment until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("child process of TestCrashConsistency")
	}
	ctx := context.Background()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.FeedState(ctx, "crash")
	if err != nil {
		t.Fatal(err)
	}
	for n := st.Items; ; {
		p := feeds.Poll{Feed: "crash", State: feeds.FeedState{Polled: true, LastPoll: time.Now()}}
		for range n%2 + 1 {
			p.Items = append(p.Items, crashItem(n))
			n++
		}
		if _, err := s.CommitPoll(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCrashConsistency kills a process that is committing polls at random
// moments and checks, after each kill, that the file is whole: every poll
// is all there or not at all, no alert is queued twice, and bbolt's own
// check passes.
func TestCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(4, 2))
	deadline := time.Now().Add(15 * time.Second)
	kills := 0
	for kills < 10 && time.Now().Before(deadline) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(100+rng.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("child ended by itself before the kill: %v", err)
		}
		kills++
		verifyCrashStore(t, path)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, _ := s.FeedState(context.Background(), "crash")
	if st.Items == 0 {
		t.Fatal("the child never committed a poll")
	}
	t.Logf("%d kills, %d items committed", kills, st.Items)
}

func verifyCrashStore(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	st, err := s.FeedState(ctx, "crash")
	if err != nil {
		t.Fatal(err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		// Claims per item, and the items themselves.
		perItem := map[string]int{}
		allClaims := tx.Bucket(bucketClaims)
		if err := allClaims.ForEach(func(k, v []byte) error {
			rec, err := getClaim(allClaims, k)
			if err != nil {
				return err
			}
			perItem[rec.ItemID]++
			return nil
		}); err != nil {
			return err
		}
		items := 0
		if err := tx.Bucket(bucketItems).ForEach(func(k, v []byte) error { items++; return nil }); err != nil {
			return err
		}
		if items != st.Items {
			t.Errorf("%d items stored, feed state counts %d", items, st.Items)
		}
		for n := 0; n < st.Items; n++ {
			want := crashItem(n)
			if got := perItem[want.Item.ID]; got != len(want.Claims) {
				t.Errorf("%s: %d of %d claims stored", want.Item.ID, got, len(want.Claims))
			}
			delete(perItem, want.Item.ID)
		}
		for id, n := range perItem {
			t.Errorf("%d claims of %s, an item that was never committed", n, id)
		}

		// Alerts: no duplicates, one announcement per conflict, every
		// conflict they name stored with its claims.
		seen := map[string]bool{}
		news := map[string]int{}
		claims := tx.Bucket(bucketClaims)
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			a, err := loadAlertTx(tx, k, v)
			if err != nil {
				return err
			}
			key := string(a.Kind) + a.ConflictID
			if a.Claim != nil {
				key += string(claimIdentity(*a.Claim))
			}
			if seen[key] {
				t.Errorf("alert %d (%s %s) queued twice", a.Seq, a.Kind, a.ConflictID)
			}
			seen[key] = true
			if a.Kind == AlertNew {
				news[a.ConflictID]++
				if news[a.ConflictID] > 1 {
					t.Errorf("conflict %s announced %d times", a.ConflictID, news[a.ConflictID])
				}
			}
			cf, err := getConflictRec(tx, a.ConflictID)
			if err != nil || cf == nil {
				t.Errorf("alert %d names conflict %s, which is not stored (%v)", a.Seq, a.ConflictID, err)
				return nil
			}
			_, err = cf.resolve(claims)
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}
