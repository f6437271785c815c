package kernel_test

import (
	"sync"
	"testing"

	"liblinux/hostops/fake"
	"liblinux/kernel/boot"
	"liblinux/kernel/vfs"
)

// TestCredentialUpdatesAreSerialised changes one process's credentials
// from many goroutines at once: every update starts from the previous
// one's result, so none is lost, and readers never see a half-made set.
func TestCredentialUpdatesAreSerialised(t *testing.T) {
	k, err := boot.Start(fake.New(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer k.Halt()
	g := k.Init()
	const workers, rounds = 8, 200
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
					n := *old
					n.SGID++
					n.Groups = append(append([]uint32(nil), old.Groups...), n.SGID)
					return &n, nil
				})
				if c := g.Creds(); len(c.Groups) != int(c.SGID) {
					t.Errorf("inconsistent creds: %d groups, sgid %d", len(c.Groups), c.SGID)
					return
				}
			}
		}()
	}
	wg.Wait()
	if c := g.Creds(); c.SGID != workers*rounds || len(c.Groups) != workers*rounds {
		t.Fatalf("sgid %d, %d groups, want %d", c.SGID, len(c.Groups), workers*rounds)
	}
	if err := g.Setgroups([]uint32{3, 1, 2}); err != nil {
		t.Fatal(err)
	}
	if c := g.Creds(); c.Groups[0] != 1 || c.Groups[2] != 3 {
		t.Fatalf("groups not sorted: %v", c.Groups)
	}
}
