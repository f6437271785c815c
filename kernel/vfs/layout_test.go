package vfs

import (
	"reflect"
	"testing"
)

// Objects that different CPUs write, each its own, are sized in whole
// cache lines: the allocator places objects of 128 or 256 bytes on
// line boundaries, so two of them never share a line. A File is kept
// small instead (each CPU allocates its own from its own spans).
func TestHotObjectsFillCacheLines(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want uintptr
	}{
		{Dentry{}, 128},
		{File{}, 88},
	} {
		if got := reflect.TypeOf(tc.v).Size(); got != tc.want {
			t.Errorf("size of %T = %d, want %d", tc.v, got, tc.want)
		}
	}
}
