package kernel

import (
	"strconv"
	"strings"
)

// Cmdline is the parsed kernel command line.
type Cmdline struct {
	Raw      string // as given, for /proc/cmdline
	Mem      int64  // mem=, bytes
	LogLevel int    // loglevel=
	Params   map[string]string
}

// DefaultMem is the memory size when mem= is absent (LKL's default).
const DefaultMem = 64 << 20

// DefaultLogLevel is the console log level when loglevel= is absent
// (CONSOLE_LOGLEVEL_DEFAULT in Linux).
const DefaultLogLevel = 7

// minMem is the least memory a kernel boots with.
const minMem = 1 << 20

// ParseCmdline parses a command line of space-separated key=value words.
// Unknown parameters are kept (and shown in /proc/cmdline), as Linux keeps
// them for init.
func ParseCmdline(s string) Cmdline {
	c := Cmdline{Raw: strings.TrimSpace(s), Mem: DefaultMem, LogLevel: DefaultLogLevel, Params: map[string]string{}}
	for _, w := range strings.Fields(s) {
		k, v, _ := strings.Cut(w, "=")
		c.Params[k] = v
		switch k {
		case "mem":
			if n, ok := memparse(v); ok && n >= minMem {
				c.Mem = n
			}
		case "loglevel":
			if n, err := strconv.Atoi(v); err == nil && n >= 0 {
				c.LogLevel = n
			}
		case "quiet":
			c.LogLevel = 4
		case "debug":
			c.LogLevel = 10
		}
	}
	return c
}

// memparse parses a size with an optional K, M, G, T suffix, as Linux's
// memparse() does (base prefixes 0x and 0 are accepted).
func memparse(s string) (int64, bool) {
	shift := 0
	if s != "" {
		switch s[len(s)-1] {
		case 'k', 'K':
			shift = 10
		case 'm', 'M':
			shift = 20
		case 'g', 'G':
			shift = 30
		case 't', 'T':
			shift = 40
		}
	}
	if shift != 0 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, false
	}
	return n << shift, true
}
