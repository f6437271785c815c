package main

import (
	"strings"
	"testing"

	"liblinux/abi"
)

func TestGuardRecoversAndReports(t *testing.T) {
	var printed string
	old := report
	report = func(msg string) { printed += msg }
	defer func() { report = old }()

	call := func() (ret int64) {
		defer guard(&ret)
		var m map[string]int
		m["x"] = 1 // a nil-map write: a runtime panic
		return 0
	}
	if got := call(); got != -int64(abi.EIO) {
		t.Fatalf("guarded call = %d, want -EIO", got)
	}
	if !strings.Contains(printed, "liblinux: recovered kernel panic: assignment to entry in nil map") {
		t.Errorf("report = %q", printed)
	}
	if !strings.Contains(printed, "TestGuardRecoversAndReports") {
		t.Errorf("report has no stack: %q", printed)
	}

	printed = ""
	func() {
		defer guard[int64](nil)
		panic("no result")
	}()
	if !strings.Contains(printed, "no result") {
		t.Errorf("report = %q", printed)
	}
}
