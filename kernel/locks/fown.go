package locks

import "liblinux/kernel/vfs"

// Owner is the process, thread or process group an open file names for
// I/O signals (F_SETOWN, F_SETOWN_EX): Type is F_OWNER_TID, F_OWNER_PID
// or F_OWNER_PGRP and ID the id, 0 for none.
type Owner struct {
	Type int32
	ID   int32
}

// Owner returns f's F_SETOWN owner (the zero Owner if never set).
func (t *Table) Owner(f *vfs.File) Owner {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fs := t.files[f]; fs != nil {
		return fs.owner
	}
	return Owner{}
}

// SetOwner records f's owner.
func (t *Table) SetOwner(f *vfs.File, o Owner) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fileLocked(f, keyOf(f)).owner = o
}

// Sig returns f's F_SETSIG signal (0: SIGIO).
func (t *Table) Sig(f *vfs.File) int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fs := t.files[f]; fs != nil {
		return fs.sig
	}
	return 0
}

// SetSig records f's F_SETSIG signal.
func (t *Table) SetSig(f *vfs.File, sig int32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fileLocked(f, keyOf(f)).sig = sig
}

// WriteHint returns the F_SET_RW_HINT write-life hint of f's inode.
func (t *Table) WriteHint(f *vfs.File) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if il := t.inodes[keyOf(f)]; il != nil {
		return il.hint
	}
	return 0
}

// SetWriteHint sets the write-life hint of f's inode. The hint lives as
// long as the kernel keeps a nonzero one.
func (t *Table) SetWriteHint(f *vfs.File, hint uint64) {
	key := keyOf(f)
	t.mu.Lock()
	defer t.mu.Unlock()
	il := t.inodeLocked(key, true)
	il.hint = hint
	t.putLocked(key, il)
}
