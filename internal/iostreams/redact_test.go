package iostreams

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
)

const testSecret = "cc_live_Zq8vY2xX9pL4mN7r"

func redacted(t *testing.T, secrets []string, writes ...string) string {
	t.Helper()
	s, _, out, _ := Test()
	for _, sec := range secrets {
		s.AddSecret(sec)
	}
	for _, w := range writes {
		n, err := s.Out.Write([]byte(w))
		if err != nil || n != len(w) {
			t.Fatalf("Write(%q) = %d, %v", w, n, err)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestRedactWriter(t *testing.T) {
	key := testSecret
	basic := base64.StdEncoding.EncodeToString([]byte("user:" + key))
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"nothing to hide", []string{"hello\n"}, "hello\n"},
		{"the key", []string{"Authorization: Bearer " + key + "\n"}, "Authorization: Bearer [REDACTED]\n"},
		{"twice in one write", []string{key + key + " " + key}, "[REDACTED][REDACTED] [REDACTED]"},
		{"split across two writes", []string{"Bearer cc_", "live_Zq8vY2xX9pL4mN7r done\n"}, "Bearer [REDACTED] done\n"},
		{"split after one byte", []string{"x c", "c_live_Zq8vY2xX9pL4mN7r"}, "x [REDACTED]"},
		{"split over many writes", strings.Split("a "+key+" b", ""), "a [REDACTED] b"},
		{"a start that goes nowhere is printed", []string{"cc_", "x\n"}, "cc_x\n"},
		{"a short start at the very end is printed", []string{"see cc_live"}, "see cc_live"},
		{"cut off at the end: most of the key", []string{"token cc_live_Zq8vY2"}, "token [REDACTED]"},
		{"cut off in the middle", []string{"excerpt: cc_live_Zq8vY…\n"}, "excerpt: [REDACTED]…\n"},
		{"URL-encoded in a query", []string{"?token=" + url.QueryEscape(key) + "&x=1"}, "?token=[REDACTED]&x=1"},
		{"base64 of the key alone", []string{base64.StdEncoding.EncodeToString([]byte(key))}, "[REDACTED]"},
		{"base64 Basic credentials", []string{"Basic " + basic}, "Basic " + basic[:7] + "[REDACTED]" + basic[38:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := redacted(t, []string{key}, tt.writes...)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if strings.Contains(got, key) || strings.Contains(got, key[:partialMin+2]) {
				t.Errorf("the key leaked: %q", got)
			}
		})
	}
}

// The base64 cases replace the key's core and keep the characters that
// also carry neighbouring bytes; what is left must not decode to the key.
func TestRedactBase64LeavesNoKey(t *testing.T) {
	for _, prefix := range []string{"", "u:", "us:", "use:"} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding} {
			line := "Basic " + enc.EncodeToString([]byte(prefix+testSecret)) + "\n"
			got := redacted(t, []string{testSecret}, line)
			before, after, ok := strings.Cut(strings.TrimPrefix(got, "Basic "), Redacted)
			// Left: the prefix's characters and at most one that mixes in
			// the key's first bits; right: at most 3 and the padding.
			if !ok || len(before) > (8*len(prefix)+5)/6+1 || len(strings.TrimRight(after, "=\n")) > 3 {
				t.Errorf("prefix %q: %q", prefix, got)
			}
		}
	}
}

func TestRedactWithoutSecretsIsPassThrough(t *testing.T) {
	got := redacted(t, nil, "cc_", "live_Zq8vY2xX9pL4mN7r\n")
	if got != "cc_live_Zq8vY2xX9pL4mN7r\n" {
		t.Errorf("got %q", got)
	}
}

// Normal output is never delayed: only a tail that may start the key is
// held back, and whole-frame writes hold nothing.
func TestRedactHoldsBackOnlyAPossibleStart(t *testing.T) {
	s, _, out, errOut := Test()
	s.AddSecret(testSecret)
	fmt.Fprint(s.Out, "line one\n")
	fmt.Fprint(s.ErrOut, "Paste the api_key and press Enter: ")
	if out.String() != "line one\n" || errOut.String() != "Paste the api_key and press Enter: " {
		t.Fatalf("delayed: out %q err %q", out.String(), errOut.String())
	}
	fmt.Fprint(s.Out, "abc c")
	if out.String() != "line one\nabc " {
		t.Fatalf("held back more than the possible start: %q", out.String())
	}
	s.statusSink().drawStatus("\r⠋ 2 results c")
	if errOut.String() != "Paste the api_key and press Enter: \r⠋ 2 results c" {
		t.Fatalf("a progress frame was held back: %q", errOut.String())
	}
	s.statusSink().drawStatus("\r" + testSecret)
	if strings.Contains(errOut.String(), testSecret) {
		t.Fatalf("a progress frame leaked the key: %q", errOut.String())
	}
	s.Flush()
	if out.String() != "line one\nabc c" {
		t.Fatalf("Flush: %q", out.String())
	}
}

// Out and ErrOut share the secrets, whenever they are added.
func TestAddSecretLater(t *testing.T) {
	s, _, out, errOut := Test()
	w := s.ErrOut
	s.AddSecret("first-secret-0000")
	s.AddSecret("")
	s.AddSecret("second-secret-1111")
	fmt.Fprintln(w, "a first-secret-0000 b second-secret-1111")
	fmt.Fprintln(s.Out, "second-secret-1111")
	if errOut.String() != "a [REDACTED] b [REDACTED]\n" || out.String() != "[REDACTED]\n" {
		t.Errorf("err %q out %q", errOut.String(), out.String())
	}
}

// `config get --show-secrets` prints the key on purpose, after whatever
// stdout held back.
func TestUnredactedOut(t *testing.T) {
	s, _, out, _ := Test()
	s.AddSecret(testSecret)
	fmt.Fprint(s.Out, "x c")
	fmt.Fprintln(s.UnredactedOut(), testSecret)
	if out.String() != "x c"+testSecret+"\n" {
		t.Errorf("got %q", out.String())
	}
}

func TestSanitizeLine(t *testing.T) {
	tests := map[string]string{
		"plain":                           "plain",
		"0.0130\nnotice: forged":          "0.0130 notice: forged",
		"a\r\nb":                          "a b",
		"a\rb":                            "a b",
		"tab\there":                       "tab here",
		"many\n\n\nbreaks":                "many breaks",
		"u\u2028v\u2029w\u0085x":          "u v w x",
		"\x1b[31mred\x1b[0m\nnext":        "red next",
		"name\u202egnp.exe":               "namegnp.exe",
		"  keeps  inner  spaces  ":        "  keeps  inner  spaces  ",
		"vt\vff\fend":                     "vt ff end",
		"\x1b]0;title\x07\nerror: forged": " error: forged",
	}
	for in, want := range tests {
		if got := SanitizeLine(in); got != want {
			t.Errorf("SanitizeLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkRedactWriter(b *testing.B) {
	s := &IOStreams{}
	w := s.redacting(io.Discard)
	s.AddSecret(testSecret)
	chunk := []byte(strings.Repeat("some ordinary output, cc and c_ included\n", 800))
	b.SetBytes(int64(len(chunk)))
	for i := 0; i < b.N; i++ {
		w.Write(chunk)
	}
}

// However the output is cut into writes, the key never gets through, and
// the result is what one write of it all would give.
func FuzzRedactWriter(f *testing.F) {
	f.Add("Bearer "+testSecret+"\n", []byte{3, 9})
	f.Add("cc_cc_live_cc_live_Zq8vY2xX9pL4mN7r", []byte{1, 1, 1, 5})
	f.Add(testSecret[:12]+"…"+testSecret, []byte{12})
	f.Add("plain text without secrets", []byte{})
	f.Fuzz(func(t *testing.T, text string, cuts []byte) {
		whole := redacted(t, []string{testSecret}, text)
		var writes []string
		rest := text
		for _, c := range cuts {
			n := int(c) % (len(rest) + 1)
			writes = append(writes, rest[:n])
			rest = rest[n:]
		}
		writes = append(writes, rest)
		got := redacted(t, []string{testSecret}, writes...)
		if got != whole {
			t.Fatalf("cut %q: %q, whole: %q", writes, got, whole)
		}
		if strings.Contains(got, testSecret) {
			t.Fatalf("the key got through: %q", got)
		}
		if !strings.Contains(text, testSecret[:1]) && got != text {
			t.Fatalf("text without the key's first byte changed: %q -> %q", text, got)
		}
	})
}
