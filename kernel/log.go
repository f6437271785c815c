package kernel

import (
	"fmt"
	"strings"
	"sync"
)

// Console log levels (printk KERN_*).
const (
	LogEmerg = iota
	LogAlert
	LogCrit
	LogErr
	LogWarning
	LogNotice
	LogInfo
	LogDebug
)

// Log is the kernel log: a ring of recent messages (/dev/kmsg, dmesg) and
// the console, which prints the messages below the console log level
// through the host's print op.
type Log struct {
	k     *Kernel
	level int // console log level; immutable

	mu    sync.Mutex
	ring  []string // protected by mu
	start int      // protected by mu
	pmu   sync.Mutex
}

const logRing = 1024

// Printf logs a message at level. It is printed on the console when level
// is below the console log level (loglevel=), formatted as Linux's console
// shows it: "[    1.234567] message".
func (l *Log) Printf(level int, format string, args ...any) {
	msg := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
	ns := int64(0)
	if l.k.Clock != nil {
		ns = l.k.Clock.Now()
	}
	line := fmt.Sprintf("[%5d.%06d] %s\n", ns/1e9, ns%1e9/1e3, msg)
	l.mu.Lock()
	if len(l.ring) < logRing {
		l.ring = append(l.ring, line)
	} else {
		l.ring[l.start] = line
		l.start = (l.start + 1) % logRing
	}
	l.mu.Unlock()
	if level < l.level {
		// pmu keeps lines whole and in order on the console; it is
		// only ever taken here, with no other kernel lock held.
		l.pmu.Lock()
		l.k.Ops.Print([]byte(line))
		l.pmu.Unlock()
	}
}

// Lines returns the messages in the ring, oldest first.
func (l *Log) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.ring))
	out = append(out, l.ring[l.start:]...)
	return append(out, l.ring[:l.start]...)
}
