package task

import (
	"encoding/json"
	"strings"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/text"
)

// humanTask is a task as `task get` shows it on a terminal: every field
// the API sent, in its order, but with times (the *_at fields, Unix
// seconds) in RFC 3339 (UTC), the schedule type by its name (daily,
// weekly, monthly, once) and schedule_enabled as yes or no. JSON keeps
// the API's values.
func humanTask(raw json.RawMessage) (json.RawMessage, error) {
	obj, err := jsonobj.Parse(raw)
	if err != nil {
		return nil, err
	}
	for _, m := range obj.Members() {
		if text, ok := humanTaskField(m.Key, m.Value); ok {
			obj.Set(m.Key, jsonobj.String(text))
		}
	}
	return json.Marshal(obj)
}

// humanTaskField is the display text of one field, when it has one.
func humanTaskField(key string, value json.RawMessage) (string, bool) {
	var n api.Int64
	if !isJSONNumber(value) || json.Unmarshal(value, &n) != nil {
		return "", false
	}
	switch {
	case strings.HasSuffix(key, "_at"):
		return text.OrDash(text.Timestamp(int64(n))), true
	case key == "schedule_type":
		if types := scheduleTypes(); n >= 1 && int(n) <= len(types) {
			return types[n-1], true
		}
	case key == "schedule_enabled":
		switch n {
		case 0:
			return "no", true
		case 1:
			return "yes", true
		}
	}
	return "", false
}

// isJSONNumber reports a JSON number (the API sends these fields as
// numbers; anything else is shown as sent).
func isJSONNumber(v json.RawMessage) bool {
	s := strings.TrimSpace(string(v))
	return s != "" && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
}
