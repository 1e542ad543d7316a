package jsonobj

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Keys written without the encoder must read exactly as the encoder
// (HTML escaping off) writes them.
func TestWriteQuotedMatchesEncoder(t *testing.T) {
	for _, s := range []string{"", "title", "a b", "<a>&", `q"k`, `b\s`, "tab\t", "\x7f", "é", "\u2028", "bad\xff", "~/"} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		WriteQuoted(&got, s)
		if got.String() != string(bytes.TrimRight(want.Bytes(), "\n")) {
			t.Errorf("WriteQuoted(%q) = %s, want %s", s, got.String(), want.String())
		}
	}
}
