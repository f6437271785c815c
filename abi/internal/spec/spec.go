// Package spec is the single source of truth for liblinux's Linux ABI:
// syscall numbers and C prototypes, errno values and messages, constants,
// struct layouts and the host-operations struct. Everything under abi/,
// include/, capi/z_*.c and tests-c/z_layout.c is generated from it by
// go run ./abi/internal/gen.
//
// Values are those of Linux's asm-generic ABI on a 64-bit (LP64) target, as
// LKL builds it; they are never taken from the host at run time. Names keep
// the kernel's spelling; the generator applies LKL's renaming rules
// (lkl_/LKL_/__lkl__ prefixes) for the C headers.
package spec

import (
	"fmt"
	"strconv"
	"strings"
)

// Arg is one parameter of a syscall prototype, in kernel C spelling.
type Arg struct {
	Type string // e.g. "const char *", "umode_t", "struct stat *"
	Name string
}

// Syscall is one entry of the syscall table.
type Syscall struct {
	Nr     int
	Name   string // Linux name: the __NR_ suffix and the Go SYS_ suffix
	CName  string // name used for __lkl__NR_ and lkl_sys_ when it differs
	Args   []Arg
	Legacy bool // an __ARCH_WANT_SYSCALL_{NO_AT,NO_FLAGS,DEPRECATED} number
	LKL    bool // an LKL arch-specific syscall
}

// Const is one integer constant.
type Const struct {
	Name  string // Linux spelling, e.g. O_RDWR
	Lit   string // literal as written in the spec (kept for Go and C output)
	Ref   string // set when the value is given as another constant's name
	Value int64  // value; for Unsigned the bits of the uint64
	// Unsigned marks a value that does not fit in int64 (RLIM_INFINITY).
	Unsigned bool
	// XSys tells the cross-check where golang.org/x/sys/unix has the same
	// value: "arm64" (default), "amd64", or "" when it is not checked.
	XSys string
	// Doc is an optional one-line comment.
	Doc string
}

// Group is a named set of constants that belong together.
type Group struct {
	Name   string
	Doc    string
	Header string // "" for lkl/asm/syscalls.h, "host" for lkl_host.h
	File   string // suffix of the generated Go file: "fs" or "misc"
	Consts []Const
}

// ParseSyscalls parses the table format used in syscalls.go:
// "<nr> <name>(<args>)" per line, "void" or nothing for no arguments.
func ParseSyscalls(text string) []Syscall {
	var out []Syscall
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sp := strings.IndexByte(line, ' ')
		lp := strings.IndexByte(line, '(')
		if sp < 0 || lp < sp || !strings.HasSuffix(line, ")") {
			panic("spec: bad syscall line: " + line)
		}
		nr, err := strconv.Atoi(line[:sp])
		if err != nil {
			panic("spec: bad syscall number: " + line)
		}
		sc := Syscall{Nr: nr, Name: strings.TrimSpace(line[sp:lp])}
		params := strings.TrimSpace(line[lp+1 : len(line)-1])
		if params != "" && params != "void" {
			for _, p := range strings.Split(params, ",") {
				sc.Args = append(sc.Args, parseArg(strings.TrimSpace(p), line))
			}
		}
		if len(sc.Args) > 6 {
			panic("spec: more than 6 arguments: " + line)
		}
		out = append(out, sc)
	}
	return out
}

func parseArg(p, line string) Arg {
	i := len(p)
	for i > 0 && isIdent(p[i-1]) {
		i--
	}
	if i == 0 || i == len(p) {
		panic("spec: argument without type or name: " + line)
	}
	return Arg{Type: strings.TrimSpace(p[:i]), Name: p[i:]}
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// ParseConsts parses "NAME VALUE [@arm64|@amd64|@-] [// doc]" lines. VALUE is
// a Go/C integer literal (0x.., 0.. octal, decimal, optionally negative) or
// the name of an earlier constant of any group already parsed into known.
func ParseConsts(text string, known map[string]Const) []Const {
	var out []Const
	for _, line := range strings.Split(text, "\n") {
		doc := ""
		if i := strings.Index(line, "//"); i >= 0 {
			doc = strings.TrimSpace(line[i+2:])
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) > 3 {
			panic("spec: bad const line: " + line)
		}
		c := Const{Name: f[0], Lit: f[1], XSys: "arm64", Doc: doc}
		if len(f) == 3 {
			switch f[2] {
			case "@arm64", "@amd64":
				c.XSys = f[2][1:]
			case "@-":
				c.XSys = ""
			default:
				panic("spec: bad annotation: " + line)
			}
		}
		if v, err := strconv.ParseInt(c.Lit, 0, 64); err == nil {
			c.Value = v
		} else if u, err := strconv.ParseUint(c.Lit, 0, 64); err == nil {
			c.Value = int64(u)
			c.Unsigned = true
		} else if r, ok := known[c.Lit]; ok {
			c.Ref = r.Name
			c.Value = r.Value
			c.Unsigned = r.Unsigned
		} else {
			panic(fmt.Sprintf("spec: %s: bad value %q", c.Name, c.Lit))
		}
		if _, dup := known[c.Name]; dup {
			panic("spec: duplicate constant " + c.Name)
		}
		known[c.Name] = c
		out = append(out, c)
	}
	return out
}
