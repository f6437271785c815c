package abi

import (
	"bytes"
	"math/rand"
	"reflect"
	"testing"
)

// fill sets every exported field of the struct v points to from r.
func fill(v reflect.Value, r *rand.Rand) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), r)
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			fill(v.Index(i), r)
		}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(r.Uint64()))
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.Uint64())
	default:
		panic("unexpected kind " + v.Kind().String())
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, s := range allStructs {
		for range 20 {
			in := s.new()
			fill(reflect.ValueOf(in).Elem(), r)
			b := make([]byte, s.size)
			in.MarshalTo(b)
			out := s.new()
			out.UnmarshalFrom(b)
			if !reflect.DeepEqual(in, out) {
				t.Fatalf("%s: round trip\n in: %+v\nout: %+v", s.name, in, out)
			}
			b2 := make([]byte, s.size)
			out.MarshalTo(b2)
			if !bytes.Equal(b, b2) {
				t.Fatalf("%s: marshal not deterministic", s.name)
			}
		}
	}
}

// TestMarshalZeroesPadding marshals a zero value over a buffer of 0xff: every
// byte must become zero (fields and padding alike) except the flexible
// name of a directory entry, which MarshalTo must not touch.
func TestMarshalZeroesPadding(t *testing.T) {
	for _, s := range allStructs {
		b := bytes.Repeat([]byte{0xff}, s.size+8)
		s.new().MarshalTo(b)
		end := s.size
		if s.flex >= 0 {
			end = s.flex
		}
		for i := 0; i < len(b); i++ {
			want := byte(0)
			if i >= end {
				want = 0xff
			}
			if b[i] != want {
				t.Errorf("%s: byte %d = %#x, want %#x", s.name, i, b[i], want)
				break
			}
		}
	}
}

func TestMarshalShortBufferPanics(t *testing.T) {
	for _, s := range allStructs {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: short buffer did not panic", s.name)
				}
			}()
			s.new().MarshalTo(make([]byte, s.size-1))
		}()
	}
}

func TestKnownLayouts(t *testing.T) {
	sizes := map[string]int{
		"Stat": 128, "Statx": 256, "Statfs": 120, "Sysinfo": 112, "Utsname": 390,
		"EpollEvent": 12, "Flock": 32, "OpenHow": 24, "Timespec": 16, "Pollfd": 8,
		"Iovec": 16, "Rlimit": 16, "CapUserHeader": 8, "CapUserData": 12,
		"Sigset": 8, "Tms": 32, "Rusage": 144, "Dirent64": 24, "StatxTimestamp": 16,
	}
	for _, s := range allStructs {
		if want, ok := sizes[s.name]; ok && want != s.size {
			t.Errorf("Sizeof%s = %d, want %d", s.name, s.size, want)
		}
	}
	if Dirent64NameOff != 19 {
		t.Errorf("Dirent64NameOff = %d", Dirent64NameOff)
	}

	b := make([]byte, SizeofStat)
	(&Stat{Size: 0x0102030405060708, Blksize: 0x11223344, Atime: 7, CtimeNsec: 9}).MarshalTo(b)
	if b[48] != 0x08 || b[55] != 0x01 || b[56] != 0x44 || b[72] != 7 || b[112] != 9 {
		t.Errorf("Stat offsets: % x", b)
	}

	e := make([]byte, SizeofEpollEvent)
	(&EpollEvent{Events: EPOLLIN | EPOLLET, Data: 0xAABBCCDD00112233}).MarshalTo(e)
	if !bytes.Equal(e, []byte{1, 0, 0, 0x80, 0x33, 0x22, 0x11, 0, 0xdd, 0xcc, 0xbb, 0xaa}) {
		t.Errorf("EpollEvent packed layout: % x", e)
	}

	f := make([]byte, SizeofFlock)
	(&Flock{Type: F_WRLCK, Whence: SEEK_END, Start: 5, Len: 6, Pid: 7}).MarshalTo(f)
	if f[0] != 1 || f[2] != 2 || f[8] != 5 || f[16] != 6 || f[24] != 7 {
		t.Errorf("Flock layout: % x", f)
	}
}

func TestHostOps(t *testing.T) {
	if HostOps[0].Name != "virtio_devices" || HostOps[2].Name != "panic" || HostOpsOffPciOps != 42*8 {
		t.Error("host ops order")
	}
	if HostOpsOffVersion != 43*8 || SizeofHostOperations != 59*8 {
		t.Errorf("host ops tail: version at %d, size %d", HostOpsOffVersion, SizeofHostOperations)
	}
}
