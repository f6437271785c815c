package ext4

import "math/bits"

// Directory hash versions (dx_root_info.hash_version).
const (
	hashLegacy          = 0
	hashHalfMD4         = 1
	hashTea             = 2
	hashLegacyUnsigned  = 3
	hashHalfMD4Unsigned = 4
	hashTeaUnsigned     = 5
	hashSiphash         = 6
)

// htreeEOF is the largest 32-bit hash; it is reserved for end of
// directory in hash-ordered reads, so no name hashes to it.
const htreeEOF = 0x7FFFFFFF

// nameHash computes the directory hash of name: the major hash (low bit
// clear) and the minor hash.
func nameHash(name []byte, version uint8, seed [4]uint32) (uint32, uint32) {
	buf := [4]uint32{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476}
	if seed != [4]uint32{} {
		buf = seed
	}
	var major, minor uint32
	signed := true
	switch version {
	case hashLegacyUnsigned, hashHalfMD4Unsigned, hashTeaUnsigned:
		signed = false
		version -= 3
	}
	switch version {
	case hashLegacy:
		major = legacyHash(name, signed)
	case hashHalfMD4:
		p := name
		for {
			var in [8]uint32
			strToHashBuf(p, in[:], signed)
			halfMD4(&buf, &in)
			if len(p) <= 32 {
				break
			}
			p = p[32:]
		}
		major, minor = buf[1], buf[2]
	case hashTea:
		p := name
		for {
			var in [4]uint32
			strToHashBuf(p, in[:], signed)
			tea(&buf, &in)
			if len(p) <= 16 {
				break
			}
			p = p[16:]
		}
		major, minor = buf[0], buf[1]
	default:
		return 0, 0
	}
	major &^= 1
	if major == htreeEOF<<1 {
		major = (htreeEOF - 1) << 1
	}
	return major, minor
}

// charVal is a name byte as a C char, signed or unsigned.
func charVal(c byte, signed bool) uint32 {
	if signed {
		return uint32(int32(int8(c)))
	}
	return uint32(c)
}

// legacyHash is the original ext3 directory hash.
func legacyHash(name []byte, signed bool) uint32 {
	h0, h1 := uint32(0x12a3fe2d), uint32(0x37abe8f9)
	for _, c := range name {
		h := h1 + (h0 ^ charVal(c, signed)*7152373)
		if h&0x80000000 != 0 {
			h -= 0x7fffffff
		}
		h1, h0 = h0, h
	}
	return h0 << 1
}

// strToHashBuf packs up to 4*len(out) bytes of name into out, padding
// with a word made from the length.
func strToHashBuf(name []byte, out []uint32, signed bool) {
	n := len(name)
	pad := uint32(n) | uint32(n)<<8
	pad |= pad << 16
	if n > 4*len(out) {
		n = 4 * len(out)
	}
	val := pad
	k := 0
	for j := 0; j < n; j++ {
		val = charVal(name[j], signed) + val<<8
		if j%4 == 3 {
			out[k] = val
			k++
			val = pad
		}
	}
	if k < len(out) {
		out[k] = val
		k++
	}
	for ; k < len(out); k++ {
		out[k] = pad
	}
}

// halfMD4 is the MD4 compression function cut to three rounds of eight
// steps, over eight input words.
func halfMD4(buf *[4]uint32, in *[8]uint32) {
	const k2, k3 = 0x5A827999, 0x6ED9EBA1
	a, b, c, d := buf[0], buf[1], buf[2], buf[3]
	f := func(x, y, z uint32) uint32 { return z ^ (x & (y ^ z)) }
	g := func(x, y, z uint32) uint32 { return (x & y) + ((x ^ y) & z) }
	h := func(x, y, z uint32) uint32 { return x ^ y ^ z }
	r := bits.RotateLeft32
	// Round 1.
	a = r(a+f(b, c, d)+in[0], 3)
	d = r(d+f(a, b, c)+in[1], 7)
	c = r(c+f(d, a, b)+in[2], 11)
	b = r(b+f(c, d, a)+in[3], 19)
	a = r(a+f(b, c, d)+in[4], 3)
	d = r(d+f(a, b, c)+in[5], 7)
	c = r(c+f(d, a, b)+in[6], 11)
	b = r(b+f(c, d, a)+in[7], 19)
	// Round 2.
	a = r(a+g(b, c, d)+in[1]+k2, 3)
	d = r(d+g(a, b, c)+in[3]+k2, 5)
	c = r(c+g(d, a, b)+in[5]+k2, 9)
	b = r(b+g(c, d, a)+in[7]+k2, 13)
	a = r(a+g(b, c, d)+in[0]+k2, 3)
	d = r(d+g(a, b, c)+in[2]+k2, 5)
	c = r(c+g(d, a, b)+in[4]+k2, 9)
	b = r(b+g(c, d, a)+in[6]+k2, 13)
	// Round 3.
	a = r(a+h(b, c, d)+in[3]+k3, 3)
	d = r(d+h(a, b, c)+in[7]+k3, 9)
	c = r(c+h(d, a, b)+in[2]+k3, 11)
	b = r(b+h(c, d, a)+in[6]+k3, 15)
	a = r(a+h(b, c, d)+in[1]+k3, 3)
	d = r(d+h(a, b, c)+in[5]+k3, 9)
	c = r(c+h(d, a, b)+in[0]+k3, 11)
	b = r(b+h(c, d, a)+in[4]+k3, 15)
	buf[0] += a
	buf[1] += b
	buf[2] += c
	buf[3] += d
}

// tea runs 16 rounds of the Tiny Encryption Algorithm over the first two
// words of buf, keyed by in.
func tea(buf *[4]uint32, in *[4]uint32) {
	const delta = 0x9E3779B9
	var sum uint32
	b0, b1 := buf[0], buf[1]
	a, b, c, d := in[0], in[1], in[2], in[3]
	for range 16 {
		sum += delta
		b0 += ((b1 << 4) + a) ^ (b1 + sum) ^ ((b1 >> 5) + b)
		b1 += ((b0 << 4) + c) ^ (b0 + sum) ^ ((b0 >> 5) + d)
	}
	buf[0] += b0
	buf[1] += b1
}
