// Command cshared is built by cgotrace's tests as a C shared library, the
// way liblinux is shipped: a C program (testdata/host.c) loads it, calls
// cgotrace_demo_install, then calls cgotrace_demo_panic from nested C
// functions. The Go side recovers the panic and writes debug.Stack() to
// standard output, where the test looks for the C caller's frames.
package main

import "C"

import (
	"os"
	"runtime/debug"

	"liblinux/cgotrace"
)

//export cgotrace_demo_install
func cgotrace_demo_install() {
	cgotrace.Install(true)
}

//export cgotrace_demo_panic
func cgotrace_demo_panic() {
	defer func() {
		if r := recover(); r != nil {
			os.Stdout.Write(debug.Stack())
		}
	}()
	var m map[string]int
	m["boom"]++
}

func main() {}
