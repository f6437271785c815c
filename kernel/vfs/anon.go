package vfs

// AnonInode is embedded in the FileOps of files that live on Linux's one
// anonymous inode (epoll, eventfd, timerfd): they have no file position
// (pread and pwrite give ESPIPE, lseek succeeds and stays at 0, as
// noop_llseek), fstat shows the anonymous inode (mode 0600 with no file
// type, one link, owned by root), and their reads and writes follow the
// file's O_NONBLOCK at each call (fcntl F_SETFL, FIONBIO).
type AnonInode struct {
	nonblock func() bool // the file's O_NONBLOCK; set once by Attach
}

var (
	_ Attacher = (*AnonInode)(nil)
	_ Streamer = (*AnonInode)(nil)
	_ Seeker   = (*AnonInode)(nil)
)

// Attach implements Attacher.
func (a *AnonInode) Attach(f *File) { a.nonblock = f.NonBlocking }

// NonBlock reports whether the file has O_NONBLOCK now.
func (a *AnonInode) NonBlock() bool { return a.nonblock != nil && a.nonblock() }

// Attr returns the attributes fstat(2) reports.
func (*AnonInode) Attr() Attr { return Attr{Ino: 1, Mode: 0600, Nlink: 1, Blksize: 4096} }

// Stream implements Streamer.
func (*AnonInode) Stream() bool { return true }

// Seek implements Seeker.
func (*AnonInode) Seek(Context, int64, int64, int) (int64, error) { return 0, nil }
