package tmpfs

import (
	"reflect"
	"testing"
)

// An inode is exactly four cache lines (see its comment).
func TestInodeFillsCacheLines(t *testing.T) {
	if got := reflect.TypeOf(inode{}).Size(); got != 256 {
		t.Errorf("size of inode = %d, want 256", got)
	}
}
