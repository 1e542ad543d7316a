package task

import (
	"encoding/json"
	"testing"
)

func TestHumanTask(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"times, schedule and switch for humans",
			`{"slug":"T","created_at":1796025603,"schedule_type":2,"schedule_enabled":1,"last_modified_at":0}`,
			`{"slug":"T","created_at":"2026-11-30T08:00:03Z","schedule_type":"weekly","schedule_enabled":"yes","last_modified_at":"-"}`},
		{"each schedule type by name",
			`{"a":{"schedule_type":1},"schedule_type":3}`,
			`{"a":{"schedule_type":1},"schedule_type":"monthly"}`},
		{"once, switched off",
			`{"schedule_type":4,"schedule_enabled":0}`,
			`{"schedule_type":"once","schedule_enabled":"no"}`},
		{"what is not a number, or not a known value, is shown as sent",
			`{"created_at":"yesterday","schedule_type":9,"schedule_enabled":2,"updated_at":null,"run_times":3}`,
			`{"created_at":"yesterday","schedule_type":9,"schedule_enabled":2,"updated_at":null,"run_times":3}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := humanTask(json.RawMessage(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("humanTask(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}
