package procfs

import (
	"regexp"
	"strings"
	"testing"
)

func TestNumber(t *testing.T) {
	for name, want := range map[string]int32{"0": 0, "1": 1, "42": 42, "2147483647": 2147483647} {
		if n, ok := number(name); !ok || n != want {
			t.Errorf("number(%q) = %d %v", name, n, ok)
		}
	}
	// Linux's name_to_int refuses leading zeros, signs and overflow.
	for _, bad := range []string{"", "01", "00", "-1", "+1", "1a", " 1", "2147483648", "self"} {
		if n, ok := number(bad); ok {
			t.Errorf("number(%q) = %d, want refusal", bad, n)
		}
	}
}

func TestUtsString(t *testing.T) {
	for in, want := range map[string]string{
		"host":                  "host",
		"host\n":                "host",
		"a\nb":                  "a",
		"a\x00b":                "a",
		strings.Repeat("x", 70): strings.Repeat("x", 64),
	} {
		if got := utsString(in); got != want {
			t.Errorf("utsString(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b := newUUID(), newUUID()
	if !re.MatchString(a) || !re.MatchString(b) || a == b {
		t.Errorf("uuids %q %q", a, b)
	}
}

func TestEscape(t *testing.T) {
	if got := escape("a b\tc\nd\\e"); got != `a\040b\011c\012d\134e` {
		t.Errorf("escape = %q", got)
	}
}
