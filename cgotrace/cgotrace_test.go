package cgotrace

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"liblinux/cgotrace/internal/demo"
)

// The test binary installs the traceback functions once, before any C to
// Go call; CGOTRACE_CONTEXT=0 leaves out the context function.
func TestMain(m *testing.M) {
	Install(os.Getenv("CGOTRACE_CONTEXT") != "0")
	os.Exit(m.Run())
}

// TestCSharedLibrary builds the shipping configuration: a Go c-shared
// library (internal/cshared) called by a C program built with gcc -g
// (testdata/host.c). The Go side recovers a panic and prints
// debug.Stack(), which must name the C callers with file and line.
func TestCSharedLibrary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a shared library")
	}
	dir := t.TempDir()
	lib := filepath.Join(dir, "libcshared.so")
	host := filepath.Join(dir, "host")
	run(t, "go", "build", "-buildmode=c-shared", "-o", lib, "liblinux/cgotrace/internal/cshared")
	run(t, "gcc", "-g", "-O1", "-o", host, filepath.Join("testdata", "host.c"), lib, "-Wl,-rpath,"+dir)
	stack := run(t, host)
	for _, want := range []string{"\nhost_inner\n", "\nhost_outer\n", "host.c:7 ", "host.c:13 ", "\nmain\n"} {
		if !strings.Contains(stack, want) {
			t.Errorf("debug.Stack() has no %q", want)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("debug.Stack():\n%s", stack)
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// hasDWARF reports whether this test binary kept its debug information;
// go test links with -s -w unless given -ldflags='-s=false -w=false'.
func hasDWARF() bool {
	exe, err := os.Executable()
	if err != nil {
		return false
	}
	f, err := elf.Open(exe)
	if err != nil {
		return false
	}
	defer f.Close()
	return f.Section(".debug_info") != nil
}

// TestRecoveredPanic checks, in this process, that the C frames between a
// Go caller and a Go callback appear in debug.Stack() exactly when the
// context function is installed.
func TestRecoveredPanic(t *testing.T) {
	stack := demo.PanicStack()
	if stack == "" {
		t.Fatal("the callback did not panic and recover")
	}
	withContext := os.Getenv("CGOTRACE_CONTEXT") != "0"
	// The C frames sit between the callback's export wrapper and the
	// Go function that called C.
	start := strings.Index(stack, "\ncgotraceDemoPanic\n")
	end := strings.Index(stack, "demo._Cfunc_demo_outer(")
	if end < 0 {
		t.Fatalf("no Go caller in stack:\n%s", stack)
	}
	if got := start >= 0 && start < end; got != withContext {
		t.Errorf("C export wrapper in stack: got %v, want %v", got, withContext)
	}
	if withContext && hasDWARF() {
		cframes := stack[start:end]
		for _, want := range []string{"\ndemo_inner\n", "\ndemo_outer\n", "demo.c:"} {
			if !strings.Contains(cframes, want) {
				t.Errorf("C frames have no %q", want)
			}
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("debug.Stack():\n%s", stack)
	}
}

// TestWithoutContext runs TestRecoveredPanic in a child process that
// installs no context function.
func TestWithoutContext(t *testing.T) {
	if os.Getenv("CGOTRACE_CONTEXT") == "0" {
		t.Skip("already the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRecoveredPanic$")
	cmd.Env = append(os.Environ(), "CGOTRACE_CONTEXT=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func TestSymbolizer(t *testing.T) {
	t.Run("DWARF", func(t *testing.T) {
		if !hasDWARF() {
			t.Skip("test binary has no DWARF; use -ldflags='-s=false -w=false'")
		}
		frame, _ := runtime.CallersFrames([]uintptr{demo.InnerPC()}).Next()
		if frame.Function != "demo_inner" || filepath.Base(frame.File) != "demo.c" || frame.Line == 0 {
			t.Errorf("got %s at %s:%d, want demo_inner at demo.c", frame.Function, frame.File, frame.Line)
		}
	})
	t.Run("shared library", func(t *testing.T) {
		// libc's getpid: from DWARF if installed, else the symbol table
		// or dladdr.
		frame, _ := runtime.CallersFrames([]uintptr{demo.LibcPC()}).Next()
		if !strings.Contains(frame.Function, "getpid") || frame.File == "" {
			t.Errorf("got %q at %q, want getpid and a file", frame.Function, frame.File)
		}
	})
}

func TestInstallTwice(t *testing.T) {
	Install(false) // a no-op, not a runtime panic
}

// BenchmarkCToGo measures one C to Go call. Compare
// go test -bench CToGo ./cgotrace with and without CGOTRACE_CONTEXT=0.
func BenchmarkCToGo(b *testing.B) {
	demo.Calls(b.N)
}
