package fakeapi

import (
	"strings"
	"testing"
)

// The first runs and tasks take the names given; the rest are counted.
func TestGivenSlugs(t *testing.T) {
	s, err := Start(Options{Spec: testSpec(t), RunSlugs: []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ"}, TaskSlugs: []string{"01KX4ZM5DE8Y8GAZQ7R0KYZ3FD"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var runs []string
	for i := 0; i < 2; i++ {
		slug, err := s.AddRun("fake/succeeds", "succeeded", -1)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, slug)
	}
	tasks, err := s.AddTasks("fake/succeeds", 2)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(append(runs, tasks...), " ")
	want := "01KKDXV2G26BT7NH4ZQR2R4NPZ 01KFAKER000000000000000002 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD 01KFAKETASK000000000000002"
	if got != want {
		t.Fatalf("slugs\n got %s\nwant %s", got, want)
	}
	if _, body := send(t, s, "GET", "/api/v2/worker-runs/01KKDXV2G26BT7NH4ZQR2R4NPZ", "", true); !strings.Contains(body, `"status":"succeeded"`) {
		t.Fatalf("the named run: %s", body)
	}
}
