package pipe

import (
	"fmt"
	"sync"
	"testing"
)

// BenchmarkThroughput moves data through a blocking pipe between a
// writer and a reader goroutine, in writes and reads of one chunk size.
func BenchmarkThroughput(b *testing.B) {
	for _, chunk := range []int{512, 4096, 65536} {
		b.Run(fmt.Sprint(chunk), func(b *testing.B) {
			tp := newTPipe(b)
			src := make([]byte, chunk)
			dst := make([]byte, chunk)
			win, rin := ioOf(b, src), ioOf(b, dst)
			total := b.N * chunk
			b.SetBytes(int64(chunk))
			b.ResetTimer()
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < b.N; i++ {
					if _, err := tp.p.Write(tp.ctx, win, false, false); err != nil {
						b.Error(err)
						tp.p.close(false, true) // the reader sees the end
						return
					}
				}
			}()
			for got := 0; got < total; {
				n, err := tp.p.Read(tp.ctx, rin, false)
				if err != nil || n == 0 {
					b.Fatalf("read after %d of %d bytes: %d, %v", got, total, n, err)
				}
				got += n
			}
			wg.Wait()
		})
	}
}
