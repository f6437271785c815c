package pipe

import "liblinux/kernel/vfs"

// Inode is an anonymous pipe seen as an inode (Linux's pipefs inode): what
// /proc/<pid>/fd/N names for a pipe descriptor. Opening it attaches new
// ends to the same pipe, with the FIFO open rules (see OpenFIFO).
type Inode struct {
	vfs.InodeDefaults
	P *Pipe
	A vfs.Attr // what stat(2) reports; immutable
}

// Attr implements vfs.Inode.
func (i *Inode) Attr() vfs.Attr { return i.A }
