package input

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// SystemKeys are the documented run settings of parameters.system
// (REFERENCE §13), in the order the help lists them.
const SystemKeys = "proxy_region, memory, cpus, execute_limit_time_seconds, max_total_charge, max_total_traffic"

// memorySizes are the documented memory sizes in MB.
func memorySizes() []int { return []int{512, 1024, 2048, 4096, 8192, 16384} }

// checkSystem converts `--system key=value` strings of the documented
// settings to their JSON type and checks every documented setting's value,
// whatever its source. Unknown keys are sent as given, with a warning.
func checkSystem(sys *jsonobj.Object, fromString map[string]bool, warn func(string)) error {
	var unknown []string
	for _, m := range sys.Members() {
		shown := fmt.Sprintf("%s:=%s", m.Key, m.Value)
		var str string
		isString := json.Unmarshal(m.Value, &str) == nil
		if fromString[m.Key] {
			shown = fmt.Sprintf("%s=%s", m.Key, str)
		}
		value, err := checkSetting(m.Key, m.Value, str, isString, fromString[m.Key])
		if err == errUnknownSetting {
			unknown = append(unknown, m.Key)
			continue
		}
		if err != nil {
			return fmt.Errorf("invalid run setting %s: %v", shown, err)
		}
		sys.Set(m.Key, value)
	}
	if len(unknown) > 0 && warn != nil {
		what := "is not a documented run setting"
		if len(unknown) > 1 {
			what = "are not documented run settings"
		}
		warn(fmt.Sprintf("%s %s (%s); sent as given", quoteList(unknown), what, SystemKeys))
	}
	return nil
}

var errUnknownSetting = errors.New("unknown run setting")

// checkSetting returns the value to send for one setting. str is the
// value when it is a JSON string; typed says it came from key=value and
// may be converted.
func checkSetting(key string, raw json.RawMessage, str string, isString, typed bool) (json.RawMessage, error) {
	number := func() (float64, string, bool) {
		text := strings.TrimSpace(string(raw))
		if isString {
			if !typed {
				return 0, "", false
			}
			text = strings.TrimSpace(str)
		}
		if !isJSONNumber(text) {
			return 0, "", false
		}
		f, err := strconv.ParseFloat(text, 64)
		return f, text, err == nil && !math.IsInf(f, 0)
	}
	switch key {
	case "proxy_region":
		code := strings.TrimSpace(str)
		if !isString || len(code) != 2 || !isLetters(code) {
			return nil, fmt.Errorf("proxy_region is a two-letter ISO country code such as US or DE")
		}
		return jsonobj.String(strings.ToUpper(code)), nil
	case "memory":
		f, _, ok := number()
		if ok {
			for _, size := range memorySizes() {
				if f == float64(size) {
					return json.RawMessage(strconv.Itoa(size)), nil
				}
			}
		}
		return nil, fmt.Errorf("memory is in MB, one of %s", joinInts(memorySizes()))
	case "cpus":
		if f, text, ok := number(); ok && f > 0 {
			return json.RawMessage(text), nil
		}
		return nil, fmt.Errorf("cpus is a number of CPUs above 0, such as 0.125 or 2")
	case "execute_limit_time_seconds":
		if f, _, ok := number(); ok && f >= 1 && f == math.Trunc(f) && f <= math.MaxInt32 {
			return json.RawMessage(strconv.FormatInt(int64(f), 10)), nil
		}
		return nil, fmt.Errorf("execute_limit_time_seconds is a whole number of seconds, 1 or more")
	case "max_total_charge":
		if f, text, ok := number(); ok && f >= 0 {
			return json.RawMessage(text), nil
		}
		return nil, fmt.Errorf("max_total_charge is an amount in USD, 0 or more (0 means no cap)")
	case "max_total_traffic":
		if f, text, ok := number(); ok && f >= 0 {
			return json.RawMessage(text), nil
		}
		return nil, fmt.Errorf("max_total_traffic is a number of MB, 0 or more")
	}
	return nil, errUnknownSetting
}

// maxCharge reads --max-charge: an amount in USD ("5", "2.50", "$5").
func maxCharge(s string) (json.RawMessage, error) {
	text := strings.TrimPrefix(strings.TrimSpace(s), "$")
	f, err := strconv.ParseFloat(text, 64)
	if !isJSONNumber(text) || err != nil || f < 0 || math.IsInf(f, 0) {
		return nil, fmt.Errorf("invalid --max-charge %q: an amount in USD, 0 or more (0 means no cap)", s)
	}
	return json.RawMessage(text), nil
}

// isJSONNumber accepts exactly the JSON number grammar (no "+", no
// leading zeros, no hex, no NaN).
func isJSONNumber(s string) bool {
	if s == "" {
		return false
	}
	var n json.Number
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		return false
	}
	return n.String() == s
}

func isLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

func quoteList(ss []string) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = strconv.Quote(s)
	}
	return strings.Join(parts, ", ")
}
