package block

// Readahead: a cache miss that continues a sequential stream of misses
// reads ahead of the reader, in windows that double up to maxIOPages, so
// that a file read sequentially reaches the host in large requests. A
// few streams are followed at once (several files read in turn).
// Pages read once the window is at its largest are used once: see
// Device.putUsed.

const (
	raStreams = 8
	raInit    = 32 // pages (128 KiB): the first window of a stream
)

// raStream is one sequential stream: the next miss it expects and the
// size of its last window.
type raStream struct {
	next   int64
	window int64
	used   uint64 // readahead.clock at the last miss; 0: free
}

type readahead struct {
	streams [raStreams]raStream
	clock   uint64
}

// miss accounts for a cache miss at page idx and returns the stream it
// belongs to (the caller sets its next expected miss once it knows how
// far the read goes) and how many pages to read. A miss at page 0 (the
// superblock and group descriptors) starts with a window.
func (r *readahead) miss(idx int64) (*raStream, int64) {
	r.clock++
	oldest := &r.streams[0]
	for k := range r.streams {
		s := &r.streams[k]
		if s.used != 0 && s.next == idx {
			if s.window < raInit {
				s.window = raInit
			} else {
				s.window = min(2*s.window, maxIOPages)
			}
			s.used = r.clock
			return s, s.window
		}
		if s.used < oldest.used {
			oldest = s
		}
	}
	s := oldest
	s.window = 1
	if idx == 0 {
		s.window = raInit
	}
	s.next, s.used = idx+1, r.clock
	return s, s.window
}
