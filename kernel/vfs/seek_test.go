package vfs_test

import (
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

func TestSeekSize(t *testing.T) {
	const size, limit = 1000, 4000
	for _, c := range []struct {
		cur, off int64
		whence   int
		want     int64
		err      error
	}{
		{5, 10, abi.SEEK_SET, 10, nil},
		{5, limit, abi.SEEK_SET, limit, nil},
		{5, limit + 1, abi.SEEK_SET, 0, abi.EINVAL},
		{5, -1, abi.SEEK_SET, 0, abi.EINVAL},
		{5, 10, abi.SEEK_CUR, 15, nil},
		{5, -6, abi.SEEK_CUR, 0, abi.EINVAL},
		{limit + 7, 0, abi.SEEK_CUR, limit + 7, nil}, // unchecked, as Linux
		{5, -10, abi.SEEK_END, 990, nil},
		{5, 3001, abi.SEEK_END, 0, abi.EINVAL},
		{5, 999, abi.SEEK_DATA, 999, nil},
		{5, 1000, abi.SEEK_DATA, 0, abi.ENXIO},
		{5, -1, abi.SEEK_DATA, 0, abi.ENXIO},
		{5, 0, abi.SEEK_HOLE, 1000, nil},
		{5, 1000, abi.SEEK_HOLE, 0, abi.ENXIO},
		{5, -1, abi.SEEK_HOLE, 0, abi.ENXIO},
		{5, 0, 5, 0, abi.EINVAL},
	} {
		got, err := vfs.SeekSize(c.cur, c.off, c.whence, size, limit)
		if got != c.want || err != c.err {
			t.Errorf("SeekSize(cur %d, off %d, whence %d) = %d, %v; want %d, %v", c.cur, c.off, c.whence, got, err, c.want, c.err)
		}
	}
}

func TestSeqSeek(t *testing.T) {
	for _, c := range []struct {
		cur, off int64
		whence   int
		want     int64
		err      error
	}{
		{5, 10, abi.SEEK_SET, 10, nil},
		{5, -1, abi.SEEK_SET, 0, abi.EINVAL},
		{5, 10, abi.SEEK_CUR, 15, nil},
		{5, -6, abi.SEEK_CUR, 0, abi.EINVAL},
		{5, 0, abi.SEEK_END, 0, abi.EINVAL},
		{5, 0, abi.SEEK_DATA, 0, abi.EINVAL},
	} {
		got, err := vfs.SeqSeek(c.cur, c.off, c.whence)
		if got != c.want || err != c.err {
			t.Errorf("SeqSeek(cur %d, off %d, whence %d) = %d, %v; want %d, %v", c.cur, c.off, c.whence, got, err, c.want, c.err)
		}
	}
}
