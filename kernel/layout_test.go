package kernel

import (
	"reflect"
	"testing"
)

// The objects every system call touches are sized in whole cache lines
// so that the allocator, which places objects of 64, 128 or 256 bytes
// on line boundaries, never puts two of them (one per CPU), or one of
// them and something else, in one line.
func TestHotObjectsFillCacheLines(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want uintptr
	}{
		{Task{}, 128},
		{ThreadGroup{}, 128},
		{FDTable{}, 128},
	} {
		if got := reflect.TypeOf(tc.v).Size(); got != tc.want {
			t.Errorf("size of %T = %d, want %d", tc.v, got, tc.want)
		}
	}
}
