package block

import (
	"sync"

	"liblinux/abi"
)

// MemDisk is a disk held in Go memory: for tests and fuzzing (an image
// file read into memory), never for the host's disks.
type MemDisk struct {
	mu       sync.Mutex
	data     []byte // protected by mu
	Reads    int    // read requests; protected by mu
	Writes   int    // write requests; protected by mu
	Flushes  int    // protected by mu
	ReadOnly bool   // refuse writes with EIO (immutable)
}

// NewMemDisk returns a disk over a copy of image.
func NewMemDisk(image []byte) *MemDisk {
	return &MemDisk{data: append([]byte(nil), image...)}
}

// Size implements Disk.
func (m *MemDisk) Size() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return int64(len(m.data))
}

// ReadAt implements Disk.
func (m *MemDisk) ReadAt(p []byte, off int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if off < 0 || off+int64(len(p)) > int64(len(m.data)) {
		return abi.EIO
	}
	copy(p, m.data[off:])
	m.Reads++
	return nil
}

// ReadVAt implements VectorReader.
func (m *MemDisk) ReadVAt(bufs [][]byte, off int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, b := range bufs {
		n += len(b)
	}
	if off < 0 || off+int64(n) > int64(len(m.data)) {
		return abi.EIO
	}
	for _, b := range bufs {
		off += int64(copy(b, m.data[off:]))
	}
	m.Reads++
	return nil
}

// WriteAt implements Disk.
func (m *MemDisk) WriteAt(p []byte, off int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ReadOnly || off < 0 || off+int64(len(p)) > int64(len(m.data)) {
		return abi.EIO
	}
	copy(m.data[off:], p)
	m.Writes++
	return nil
}

// Flush implements Disk.
func (m *MemDisk) Flush() error {
	m.mu.Lock()
	m.Flushes++
	m.mu.Unlock()
	return nil
}

// Bytes returns a copy of the disk's contents.
func (m *MemDisk) Bytes() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]byte(nil), m.data...)
}
