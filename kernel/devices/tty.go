package devices

import (
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// consoleFile is an open /dev/console. The console is the host's print
// operation, as LKL's console driver makes it: every write is handed to it
// as is (no log level, no timestamp), whatever the console log level.
//
// The console has no input device, so a read finds end of file at once,
// as on a terminal whose input side is closed: blocking instead would
// leave the reader waiting for input that can never come. Like a tty it
// has no file position: lseek, pread and pwrite fail with ESPIPE.
type consoleFile struct {
	print func(b []byte)
}

// consoleChunk bounds one print call.
const consoleChunk = 1024

// Read implements vfs.FileOps: end of file.
func (c *consoleFile) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	return 0, nil
}

// Write implements vfs.FileOps.
func (c *consoleFile) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	done := 0
	for done < src.Len() {
		b := make([]byte, min(src.Len()-done, consoleChunk))
		n, err := src.CopyIn(done, b)
		if n > 0 && c.print != nil {
			c.print(b[:n])
		}
		done += n
		if err != nil {
			if done > 0 {
				return done, nil
			}
			return 0, err
		}
	}
	return done, nil
}

// Release implements vfs.FileOps.
func (c *consoleFile) Release() {}

// Stream implements vfs.Streamer.
func (c *consoleFile) Stream() bool { return true }

// Fasync marks a file that F_SETFL may make O_ASYNC (a terminal).
func (c *consoleFile) Fasync() {}
