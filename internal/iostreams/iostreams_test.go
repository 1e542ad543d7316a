package iostreams

import (
	"fmt"
	"os"
	"testing"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain ascii", "hello, world", "hello, world"},
		{"newline and tab kept", "a\nb\tc", "a\nb\tc"},
		{"carriage return dropped", "a\r\nb", "a\nb"},
		{"NUL and BEL", "a\x00b\x07c", "abc"},
		{"every C0 but \\n and \\t", "\x01\x02\x03\x04\x05\x06\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1c\x1d\x1e\x1f|", "|"},
		{"DEL", "a\x7fb", "ab"},
		{"C1 controls", "a\u0080b\u0085c\u009f", "abc"},
		{"8-bit CSI takes its final byte along", "c\u009bd!", "c!"},
		{"first printable after C1 kept", "\u00a0\u00a9", "\u00a0\u00a9"},
		{"CSI colour removed whole", "\x1b[31mred\x1b[0m", "red"},
		{"OSC title removed whole", "\x1b]0;pwned\x07text", "text"},
		{"OSC ended by ST", "\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"8-bit CSI", "\u009b2Jok", "ok"},
		{"8-bit OSC ended by 8-bit ST", "\u009d0;t\u009cok", "ok"},
		{"DCS string", "\x1bPq#0;2;0\x1b\\ok", "ok"},
		{"charset designation", "\x1b(Bok", "ok"},
		{"save cursor", "\x1b7ok\x1b8", "ok"},
		{"unfinished CSI: its introducer dropped", "a\x1b[31", "a31"},
		{"bidi overrides", "user\u202e\u2066txt.exe\u2069\u202c", "usertxt.exe"},
		{"every bidi control", "a\u061cb\u200ec\u200fd\u202ae\u202bf\u202cg\u202dh\u202ei\u2066j\u2067k\u2068l\u2069m", "abcdefghijklm"},
		{"zero-width joiner kept (emoji)", "\U0001F469\u200d\U0001F4BB", "\U0001F469\u200d\U0001F4BB"},
		{"unicode kept", "Ünïcødé 咖啡 😀 ✓", "Ünïcødé 咖啡 😀 ✓"},
		{"line and paragraph separators kept", "a\u2028b\u2029c", "a\u2028b\u2029c"},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", "a\ufffdb"},
		{"raw 8-bit CSI byte", "a\x9b2Jb", "a\ufffd2Jb"},
		{"truncated sequence", "咖\xe5\x95", "咖\ufffd\ufffd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Strings with nothing to remove come back as they are (the fast path).
func TestSanitizeUnchangedIsSameString(t *testing.T) {
	for _, s := range []string{"abc", "a\nb", "咖啡\t"} {
		if needsSanitizing(s) {
			t.Errorf("needsSanitizing(%q) = true", s)
		}
	}
	for _, s := range []string{"\x1b", "\r", "\x7f", "\u0090", "\x9b"} {
		if !needsSanitizing(s) {
			t.Errorf("needsSanitizing(%q) = false", s)
		}
	}
}

func lookupFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestEnvFrom(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Env
	}{
		{"nothing set", nil, Env{}},
		{"NO_COLOR empty is unset", map[string]string{"NO_COLOR": ""}, Env{}},
		{"NO_COLOR=1", map[string]string{"NO_COLOR": "1"}, Env{NoColor: true}},
		{"NO_COLOR=0 still means no colour", map[string]string{"NO_COLOR": "0"}, Env{NoColor: true}},
		{"NO_COLOR=false still means no colour", map[string]string{"NO_COLOR": "false"}, Env{NoColor: true}},
		{"CLICOLOR_FORCE=0", map[string]string{"CLICOLOR_FORCE": "0"}, Env{}},
		{"CLICOLOR_FORCE empty", map[string]string{"CLICOLOR_FORCE": ""}, Env{}},
		{"CLICOLOR_FORCE=1", map[string]string{"CLICOLOR_FORCE": "1"}, Env{ClicolorForce: true}},
		{"CLICOLOR_FORCE=yes", map[string]string{"CLICOLOR_FORCE": "yes"}, Env{ClicolorForce: true}},
		{"CORECLAW_FORCE_TTY=0", map[string]string{"CORECLAW_FORCE_TTY": "0"}, Env{}},
		{"CORECLAW_FORCE_TTY empty", map[string]string{"CORECLAW_FORCE_TTY": ""}, Env{}},
		{"CORECLAW_FORCE_TTY=1", map[string]string{"CORECLAW_FORCE_TTY": "1"}, Env{ForceTTY: true}},
		{"all three", map[string]string{"NO_COLOR": "x", "CLICOLOR_FORCE": "1", "CORECLAW_FORCE_TTY": "1"}, Env{NoColor: true, ClicolorForce: true, ForceTTY: true}},
		{"unrelated variables", map[string]string{"CLICOLOR": "0", "TERM": "dumb"}, Env{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EnvFrom(lookupFrom(tt.env)); got != tt.want {
				t.Errorf("EnvFrom(%v) = %+v, want %+v", tt.env, got, tt.want)
			}
		})
	}
}

// Every combination of terminal, NO_COLOR, CLICOLOR_FORCE and --no-color:
// colour only when nothing turns it off and the stream is a terminal or
// colour is forced. NO_COLOR and --no-color win over CLICOLOR_FORCE.
func TestColorDecisions(t *testing.T) {
	for _, tty := range []bool{false, true} {
		for _, noColor := range []bool{false, true} {
			for _, force := range []bool{false, true} {
				for _, flag := range []bool{false, true} {
					name := fmt.Sprintf("tty=%v/NO_COLOR=%v/CLICOLOR_FORCE=%v/--no-color=%v", tty, noColor, force, flag)
					t.Run(name, func(t *testing.T) {
						s := System(Env{NoColor: noColor, ClicolorForce: force})
						// Only stdout is a terminal; stderr is the opposite,
						// so that the two decisions are seen to be separate.
						s.SetTTY(false, tty, !tty)
						if flag {
							s.DisableColor()
						}
						want := !noColor && !flag && (force || tty)
						if got := s.ColorEnabledStdout(); got != want {
							t.Errorf("ColorEnabledStdout() = %v, want %v", got, want)
						}
						wantErr := !noColor && !flag && (force || !tty)
						if got := s.ColorEnabledStderr(); got != wantErr {
							t.Errorf("ColorEnabledStderr() = %v, want %v", got, wantErr)
						}
						if got := s.Stdout().Enabled(); got != want {
							t.Errorf("Stdout().Enabled() = %v, want %v", got, want)
						}
						if got := s.Stderr().Enabled(); got != wantErr {
							t.Errorf("Stderr().Enabled() = %v, want %v", got, wantErr)
						}
					})
				}
			}
		}
	}
}

func TestForceColorAfterDisable(t *testing.T) {
	s, _, _, _ := Test()
	s.DisableColor()
	s.ForceColor()
	if !s.ColorEnabledStdout() || !s.ColorEnabledStderr() {
		t.Error("ForceColor after DisableColor should enable colour")
	}
	s.DisableColor()
	if s.ColorEnabledStdout() || s.ColorEnabledStderr() {
		t.Error("DisableColor after ForceColor should disable colour")
	}
}

func TestTestStreams(t *testing.T) {
	s, in, out, errOut := Test()
	if s.IsStdinTTY() || s.IsStdoutTTY() || s.IsStderrTTY() || s.CanPrompt() || s.ShowProgress() {
		t.Error("Test streams must not be terminals")
	}
	if s.ColorEnabledStdout() || s.ColorEnabledStderr() {
		t.Error("Test streams must have no colour")
	}
	if s.In != in || unwrap(s.Out) != out || unwrap(s.ErrOut) != errOut {
		t.Error("Test returned buffers that are not behind the streams")
	}
	if _, ok := s.ErrFile(); ok {
		t.Error("ErrFile of a buffer should be false")
	}
}

func TestTTYDerivedDecisions(t *testing.T) {
	tests := []struct {
		stdin, stdout, stderr bool
		prompt, progress      bool
	}{
		{false, false, false, false, false},
		{true, false, false, false, false},
		{false, false, true, false, true},
		{true, false, true, true, true},
		{true, true, true, true, true},
		{false, true, false, false, false},
	}
	for _, tt := range tests {
		s, _, _, _ := Test()
		s.SetTTY(tt.stdin, tt.stdout, tt.stderr)
		if s.CanPrompt() != tt.prompt || s.ShowProgress() != tt.progress {
			t.Errorf("tty in=%v out=%v err=%v: CanPrompt=%v ShowProgress=%v, want %v %v",
				tt.stdin, tt.stdout, tt.stderr, s.CanPrompt(), s.ShowProgress(), tt.prompt, tt.progress)
		}
		if s.IsStdinTTY() != tt.stdin || s.IsStdoutTTY() != tt.stdout || s.IsStderrTTY() != tt.stderr {
			t.Errorf("SetTTY(%v, %v, %v) not reflected", tt.stdin, tt.stdout, tt.stderr)
		}
	}
}

// CORECLAW_FORCE_TTY makes stdout and stderr count as terminals whatever
// they are (the scripts rely on it); stdin is left alone.
func TestSystemForceTTY(t *testing.T) {
	s := System(Env{ForceTTY: true})
	if !s.IsStdoutTTY() || !s.IsStderrTTY() {
		t.Errorf("ForceTTY: stdout tty %v, stderr tty %v; want both true", s.IsStdoutTTY(), s.IsStderrTTY())
	}
	if s.In != os.Stdin || unwrap(s.Out) != os.Stdout || unwrap(s.ErrOut) != os.Stderr {
		t.Error("System streams are not the process streams")
	}
	if f, ok := s.ErrFile(); !ok || f != os.Stderr {
		t.Error("ErrFile should be os.Stderr")
	}
}

func TestColorScheme(t *testing.T) {
	on := NewColorScheme(true)
	off := NewColorScheme(false)
	tests := []struct {
		name     string
		on, off  string
		wantOn   string
		wantPlan string
	}{
		{"green", on.Green("ok"), off.Green("ok"), "\x1b[32mok\x1b[0m", "ok"},
		{"red", on.Red("no"), off.Red("no"), "\x1b[31mno\x1b[0m", "no"},
		{"yellow", on.Yellow("hm"), off.Yellow("hm"), "\x1b[33mhm\x1b[0m", "hm"},
		{"cyan", on.Cyan("c"), off.Cyan("c"), "\x1b[36mc\x1b[0m", "c"},
		{"gray", on.Gray("g"), off.Gray("g"), "\x1b[90mg\x1b[0m", "g"},
		{"bold", on.Bold("B"), off.Bold("B"), "\x1b[1mB\x1b[22m", "B"},
		{"success icon", on.SuccessIcon(), off.SuccessIcon(), "\x1b[32m✓\x1b[0m", "✓"},
		{"failure icon", on.FailureIcon(), off.FailureIcon(), "\x1b[31m✗\x1b[0m", "✗"},
		{"warning icon", on.WarningIcon(), off.WarningIcon(), "\x1b[33m!\x1b[0m", "!"},
	}
	for _, tt := range tests {
		if tt.on != tt.wantOn {
			t.Errorf("%s enabled = %q, want %q", tt.name, tt.on, tt.wantOn)
		}
		if tt.off != tt.wantPlan {
			t.Errorf("%s disabled = %q, want %q", tt.name, tt.off, tt.wantPlan)
		}
	}
	if !on.Enabled() || off.Enabled() {
		t.Error("Enabled() is wrong")
	}
}
