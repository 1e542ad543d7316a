package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

// startup is target 1: the median wall time of three paths against the
// skeleton's twin, timed in alternation so that both see the same load;
// then each package's init (the least of several runs, GODEBUG=inittrace)
// and the binaries' sizes.
func (b *bench) startup(ctx context.Context) error {
	const target = "1 start-up"
	paths := [][]string{{"--version"}, {"run", "--help"}, {"completion", "bash"}}
	env := b.env()
	for _, args := range paths {
		var core, skel, coreCPU, skelCPU []time.Duration
		const warmUp = 3
		for i := 0; i < warmUp+b.runs; i++ {
			order := []string{b.coreclaw, b.skeleton}
			if i%2 == 1 {
				order[0], order[1] = order[1], order[0]
			}
			for _, bin := range order {
				o, err := b.spawn(ctx, true, env, bin, args...)
				if err != nil {
					return err
				}
				if o.exit != 0 {
					return fmt.Errorf("%s %s: exit %d: %s", bin, strings.Join(args, " "), o.exit, firstLine(o.stderr.String()))
				}
				if i < warmUp {
					continue
				}
				if bin == b.coreclaw {
					core, coreCPU = append(core, o.wall), append(coreCPU, o.cpu)
				} else {
					skel, skelCPU = append(skel, o.wall), append(skelCPU, o.cpu)
				}
			}
		}
		mc, ms_ := median(core), median(skel)
		ratio := float64(mc) / float64(ms_)
		// The least times and the CPU times say how much of the ratio is
		// the machine's load.
		leastRatio := float64(least(core)) / float64(least(skel))
		cpuRatio := float64(median(coreCPU)) / float64(median(skelCPU))
		b.add(figure{target: target, name: "coreclaw " + strings.Join(args, " "),
			measured: fmt.Sprintf("%s vs skeleton %s: %.2f× (least %.2f×, CPU %.2f×)", ms(mc), ms(ms_), ratio, leastRatio, cpuRatio),
			goal:     "≤ 1.20× (median of " + strconv.Itoa(b.runs) + ")", met: metIf(ratio <= 1.2)})
	}

	runsEach := 15
	if b.quick {
		runsEach = 5
	}
	coreInit, err := initTrace(ctx, env, b.coreclaw, runsEach)
	if err != nil {
		return err
	}
	skelInit, err := initTrace(ctx, env, b.skeleton, runsEach)
	if err != nil {
		return err
	}
	b.add(figure{target: target, name: "package inits, summed (least of " + strconv.Itoa(runsEach) + ")",
		measured: fmt.Sprintf("%.2f ms vs skeleton %.2f ms", coreInit.total(), skelInit.total()), goal: "—", met: "info"})

	var heavy []string
	for _, p := range coreInit.sorted() {
		if p.ms > 0.5 {
			note := ""
			if _, ok := skelInit[p.name]; ok {
				note = ", skeleton too"
			}
			heavy = append(heavy, fmt.Sprintf("%s %.2f ms%s", p.name, p.ms, note))
		}
	}
	measured := "none"
	if len(heavy) > 0 {
		measured = strings.Join(heavy, "; ")
	}
	b.add(figure{target: target, name: "dependencies whose init takes over 0.5 ms", measured: measured,
		goal: "none", met: metIf(len(heavy) == 0)})

	var own []string
	for _, p := range coreInit.sorted() {
		if strings.HasPrefix(p.name, "github.com/coreclaw/coreclaw") {
			own = append(own, fmt.Sprintf("%s %d B", strings.TrimPrefix(p.name, "github.com/coreclaw/coreclaw/"), p.bytes))
		}
	}
	measured = "no init at all"
	ownOK := true
	for _, p := range coreInit {
		if strings.HasPrefix(p.name, "github.com/coreclaw/coreclaw") && p.bytes >= 1024 {
			ownOK = false
		}
	}
	if len(own) > 0 {
		measured = "allocated at init: " + strings.Join(own, "; ")
	}
	b.add(figure{target: target, name: "our packages' init work", measured: measured,
		goal: "nothing (sentinel errors only, < 1 KiB)", met: metIf(ownOK)})

	cs, err := os.Stat(b.coreclaw)
	if err != nil {
		return err
	}
	ss, err := os.Stat(b.skeleton)
	if err != nil {
		return err
	}
	b.add(figure{target: target, name: "binary size (-s -w)", measured: fmt.Sprintf("%s vs skeleton %s", mib(cs.Size()), mib(ss.Size())),
		goal: "report", met: "info"})
	return nil
}

// pkgInit is one package's init: the least time seen, and its allocations.
type pkgInit struct {
	name  string
	ms    float64
	bytes int64
}

type initTimes map[string]*pkgInit

func (t initTimes) total() float64 {
	sum := 0.0
	for _, p := range t {
		sum += p.ms
	}
	return sum
}

func (t initTimes) sorted() []*pkgInit {
	out := make([]*pkgInit, 0, len(t))
	for _, p := range t {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ms != out[j].ms {
			return out[i].ms > out[j].ms
		}
		return out[i].name < out[j].name
	})
	return out
}

// initTrace runs bin --version n times under GODEBUG=inittrace=1 and keeps
// each package's least init time: the machine's noise only ever adds.
func initTrace(ctx context.Context, env []string, bin string, n int) (initTimes, error) {
	times := initTimes{}
	for i := 0; i < n; i++ {
		cmd := exec.CommandContext(ctx, bin, "--version")
		cmd.Env = append(append([]string(nil), env...), "GODEBUG=inittrace=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s --version: %v", bin, err)
		}
		sc := bufio.NewScanner(&stderr)
		for sc.Scan() {
			// init PKG @T ms, D ms clock, B bytes, N allocs
			f := strings.Fields(sc.Text())
			if len(f) < 9 || f[0] != "init" || f[5] != "ms" || f[8] != "bytes," {
				continue
			}
			d, err1 := strconv.ParseFloat(f[4], 64)
			by, err2 := strconv.ParseInt(f[7], 10, 64)
			if err1 != nil || err2 != nil {
				continue
			}
			p, ok := times[f[1]]
			if !ok {
				times[f[1]] = &pkgInit{name: f[1], ms: d, bytes: by}
				continue
			}
			p.ms = min(p.ms, d)
		}
	}
	return times, nil
}
