package mm

import (
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
)

func TestLimitAndReturn(t *testing.T) {
	h := fake.New()
	a := New(h, 1<<20)
	var pages [][]byte
	for {
		p, err := a.AllocPage()
		if err != nil {
			if err != abi.ENOMEM {
				t.Fatalf("err = %v, want ENOMEM", err)
			}
			break
		}
		if len(p) != PageSize {
			t.Fatalf("page of %d bytes", len(p))
		}
		p[0] = 1
		pages = append(pages, p)
	}
	if len(pages) != 256 {
		t.Fatalf("got %d pages within 1 MiB, want 256", len(pages))
	}
	if h.PagesInUse() > 1<<20 {
		t.Fatalf("host gave %d bytes, over the limit", h.PagesInUse())
	}
	a.FreePage(pages[0])
	p, err := a.AllocPage()
	if err != nil || p[0] != 0 {
		t.Fatalf("reused page: err %v, not zeroed: %v", err, p[0])
	}
	a.Close()
	if h.PagesInUse() != 0 {
		t.Fatalf("after Close the host still lends %d bytes", h.PagesInUse())
	}
}
