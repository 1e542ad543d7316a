package input

import (
	"strings"
	"testing"
)

func TestSystemSettings(t *testing.T) {
	tests := []struct {
		name      string
		src       Sources
		want      string // the system object, or the error
		warnings  string
		wantError bool
	}{
		{name: "converted from key=value", src: Sources{System: []string{"proxy_region=de", "memory=2048", "cpus=0.125", "execute_limit_time_seconds=600", "max_total_charge=2.50", "max_total_traffic=100"}},
			want: `{"proxy_region":"DE","memory":2048,"cpus":0.125,"execute_limit_time_seconds":600,"max_total_charge":2.50,"max_total_traffic":100}`},
		{name: "raw JSON of the right type", src: Sources{System: []string{"memory:=4096", "max_total_charge:=0", `proxy_region:="US"`}},
			want: `{"memory":4096,"max_total_charge":0,"proxy_region":"US"}`},
		{name: "memory 1024.0 is 1024", src: Sources{System: []string{"memory:=1024.0"}}, want: `{"memory":1024}`},
		{name: "memory not documented", src: Sources{System: []string{"memory=3000"}}, wantError: true,
			want: "invalid run setting memory=3000: memory is in MB, one of 512, 1024, 2048, 4096, 8192, 16384"},
		{name: "memory as a JSON string", src: Sources{System: []string{`memory:="1024"`}}, wantError: true,
			want: `invalid run setting memory:="1024": memory is in MB, one of 512, 1024, 2048, 4096, 8192, 16384`},
		{name: "memory words", src: Sources{System: []string{"memory=lots"}}, wantError: true,
			want: "invalid run setting memory=lots: memory is in MB, one of 512, 1024, 2048, 4096, 8192, 16384"},
		{name: "region too long", src: Sources{System: []string{"proxy_region=USA"}}, wantError: true,
			want: "invalid run setting proxy_region=USA: proxy_region is a two-letter ISO country code such as US or DE"},
		{name: "region a number", src: Sources{System: []string{"proxy_region:=12"}}, wantError: true,
			want: "invalid run setting proxy_region:=12: proxy_region is a two-letter ISO country code such as US or DE"},
		{name: "cpus zero", src: Sources{System: []string{"cpus=0"}}, wantError: true,
			want: "invalid run setting cpus=0: cpus is a number of CPUs above 0, such as 0.125 or 2"},
		{name: "time limit fractional", src: Sources{System: []string{"execute_limit_time_seconds=1.5"}}, wantError: true,
			want: "invalid run setting execute_limit_time_seconds=1.5: execute_limit_time_seconds is a whole number of seconds, 1 or more"},
		{name: "negative charge", src: Sources{System: []string{"max_total_charge=-1"}}, wantError: true,
			want: "invalid run setting max_total_charge=-1: max_total_charge is an amount in USD, 0 or more (0 means no cap)"},
		{name: "traffic not a number", src: Sources{System: []string{"max_total_traffic=1GB"}}, wantError: true,
			want: "invalid run setting max_total_traffic=1GB: max_total_traffic is a number of MB, 0 or more"},
		{name: "file values are checked too", src: Sources{HasInline: true, Inline: `{"parameters":{"custom":{},"system":{"memory":100}}}`}, wantError: true,
			want: "invalid run setting memory:=100: memory is in MB, one of 512, 1024, 2048, 4096, 8192, 16384"},
		{name: "file strings are not converted", src: Sources{HasInline: true, Inline: `{"parameters":{"system":{"memory":"1024"}}}`}, wantError: true,
			want: `invalid run setting memory:="1024": memory is in MB, one of 512, 1024, 2048, 4096, 8192, 16384`},
		{name: "unknown keys warn and stay strings", src: Sources{System: []string{"gpu=1", "timeout:=5", "memory=512"}},
			want: `{"gpu":"1","timeout":5,"memory":512}`, warnings: `"gpu", "timeout" are not documented run settings (` + SystemKeys + `); sent as given`},
		{name: "one unknown key", src: Sources{System: []string{"gpu=1"}},
			want: `{"gpu":"1"}`, warnings: `"gpu" is not a documented run setting (` + SystemKeys + `); sent as given`},
		{name: "--max-charge", src: Sources{MaxCharge: "5"}, want: `{"max_total_charge":5}`},
		{name: "--max-charge with a dollar sign", src: Sources{MaxCharge: "$2.50"}, want: `{"max_total_charge":2.50}`},
		{name: "--max-charge 0", src: Sources{MaxCharge: "0"}, want: `{"max_total_charge":0}`},
		{name: "--max-charge negative", src: Sources{MaxCharge: "-3"}, wantError: true,
			want: `invalid --max-charge "-3": an amount in USD, 0 or more (0 means no cap)`},
		{name: "--max-charge words", src: Sources{MaxCharge: "ten"}, wantError: true,
			want: `invalid --max-charge "ten": an amount in USD, 0 or more (0 means no cap)`},
		{name: "--max-charge and --system max_total_charge", src: Sources{MaxCharge: "5", System: []string{"max_total_charge=3"}}, wantError: true,
			want: "--max-charge and --system max_total_charge both set the spending cap: give one"},
		{name: "--max-charge wins over a file", src: Sources{MaxCharge: "5", HasInline: true, Inline: `{"parameters":{"system":{"max_total_charge":9}}}`},
			want: `{"max_total_charge":5}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warnings []string
			in, err := Build(tt.src, Env{Warn: func(s string) { warnings = append(warnings, s) }})
			if tt.wantError {
				if err == nil || err.Error() != tt.want {
					t.Fatalf("err = %v, want %s", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := in.System.MarshalJSON()
			if string(got) != tt.want {
				t.Errorf("system = %s, want %s", got, tt.want)
			}
			if w := strings.Join(warnings, "\n"); w != tt.warnings {
				t.Errorf("warnings = %q, want %q", w, tt.warnings)
			}
		})
	}
}
