package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/assess"
	"sdgdt/internal/report"
)

// cmdStats prints the statistics of a unit or school (08-statistics.md), the
// same figures as the dashboard and the API, and writes them to .xlsx.
func cmdStats(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newConfig("stats", getenv, stderr)
	dsn := c.str("db", defaultDB, "database")
	unit := c.fs.Int64("unit", 0, "the unit's id")
	school := c.fs.Int64("school", 0, "the school's id (instead of --unit)")
	year := c.fs.String("year", "", "school year, e.g. 2026-2027 (default: the current one)")
	term := c.fs.String("term", "year", "hk1, hk2 or year")
	kind := c.fs.String("kind", "", "only schools of this kind (th, thcs, thpt, …)")
	grade := c.fs.String("grade", "", "only this grade (1-12)")
	xlsx := c.fs.String("xlsx", "", "also write the figures to this .xlsx file")
	asJSON := c.fs.Bool("json", false, "print the figures as JSON")
	if err := c.parse(args); err != nil {
		return err
	}
	if (*unit == 0) == (*school == 0) {
		fmt.Fprintln(stderr, "usage: sdgdt stats --unit ID | --school ID [--year 2026-2027] [--term hk1|hk2|year] [--kind K] [--grade G] [--xlsx FILE] [--json]")
		return exitError(2)
	}
	q, err := app.ParseStatsQuery(getter{"year": *year, "term": *term, "kind": *kind, "grade": *grade}.get)
	if err != nil {
		return cliError(stderr, err)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a := app.New(db, app.DefaultConfig(), nil)
	start := time.Now()
	var st app.Stats
	if *unit != 0 {
		st, err = a.UnitStatistics(ctx, app.System("cli"), *unit, q)
	} else {
		st, err = a.SchoolStatistics(ctx, app.System("cli"), *school, q)
	}
	if err != nil {
		return cliError(stderr, err)
	}
	took := time.Since(start)
	if *xlsx != "" {
		data, err := report.Statistics(st)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*xlsx, data, 0o644); err != nil {
			return err
		}
	}
	if *asJSON {
		b, err := json.MarshalIndent(st, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	printStats(stdout, st)
	fmt.Fprintf(stdout, "\n(%s", took.Round(time.Microsecond))
	if *xlsx != "" {
		fmt.Fprintf(stdout, "; đã ghi %s", *xlsx)
	}
	fmt.Fprintln(stdout, ")")
	return nil
}

type getter map[string]string

func (g getter) get(k string) string { return g[k] }

// cliError prints a user error's Vietnamese message and exits with status 1.
func cliError(stderr io.Writer, err error) error {
	if code := sdgdt.ErrorCode(err); code == sdgdt.EINTERNAL {
		return err
	}
	fmt.Fprintln(stderr, "Lỗi:", sdgdt.ErrorMessage(err))
	for f, m := range sdgdt.ErrorFields(err) {
		fmt.Fprintf(stderr, "  %s: %s\n", f, m)
	}
	return exitError(1)
}

func printStats(w io.Writer, st app.Stats) {
	f := st.Figures
	fmt.Fprintf(w, "%s — %s, năm học %s\n", st.Name, sdgdt.StatTermName(st.Query.Term), st.Query.Year)
	if st.Query.Kind != "" || st.Query.Grade != 0 {
		fmt.Fprintf(w, "Lọc: %s %s\n", sdgdt.SchoolKindName(st.Query.Kind), map[bool]string{true: "khối " + strconv.Itoa(st.Query.Grade)}[st.Query.Grade != 0])
	}
	fmt.Fprintf(w, "Học sinh: %d (nữ %d, dân tộc thiểu số %d); đủ kết quả: %d\n\n", f.Pupils, f.Female, f.Minority, f.Complete)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tHọc sinh\tHT: Tốt\tKhá\tĐạt\tChưa đạt\tChưa có\tRL: Tốt\tKhá\tĐạt\tChưa đạt\tHTXS\tHTT\tHT\tCHT\tLên lớp\tThi lại\tRL hè\tỞ lại\tXuất sắc\tGiỏi\tTiêu biểu\t")
	row := func(name string, f sdgdt.Figures) {
		l, c, p, pr, a := f.Learning, f.Conduct, f.PrimaryFinal, f.Promotion, f.Awards
		if st.Query.Term == "year" {
			l, c = f.LearningFinal, f.ConductFinal
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", name, f.Pupils,
			l.T, l.K, l.D, l.CD, l.None, c.T, c.K, c.D, c.CD, p.HTXS, p.HTT, p.HT, p.CHT, pr.Promoted, pr.Retest, pr.SummerTraining, pr.Retained,
			a.XuatSac, a.Gioi, a.TieuBieu)
	}
	for _, ch := range st.Children {
		name := []rune(ch.Name)
		if len(name) > 40 {
			name = append(name[:39], '…')
		}
		row(string(name), ch.Figures)
	}
	row("Tổng cộng", f)
	tw.Flush()
	if len(f.Subjects) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "Môn\tHS có điểm\tTrung bình\tTỉnh\t0-1\t1-2\t2-3\t3-4\t4-5\t5-6\t6-7\t7-8\t8-9\t9-10\tĐạt\tChưa đạt\t")
		for _, s := range f.Subjects {
			avg := func(s sdgdt.SubjectFigures) string {
				if s.Pupils == 0 {
					return "—"
				}
				return strings.Replace(strconv.FormatFloat(s.Average(), 'f', 2, 64), ".", ",", 1)
			}
			prov := ""
			if st.Province != nil {
				prov = avg(st.Province.Subject(s.Subject))
			}
			bins := make([]string, 10)
			for i, n := range s.Bins {
				bins[i] = strconv.FormatInt(n, 10)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t%d\t\n", assess.SubjectName(s.Subject), s.Pupils, avg(s), prov, strings.Join(bins, "\t"), s.Passed, s.Failed)
		}
		tw.Flush()
	}
	for _, h := range st.History {
		fmt.Fprintf(w, "\nNăm học %s: %d học sinh; học tập T/K/Đ/CĐ %d/%d/%d/%d; lên lớp %d\n", h.Year, h.Figures.Pupils,
			h.Figures.Learning.T, h.Figures.Learning.K, h.Figures.Learning.D, h.Figures.Learning.CD, h.Figures.Promotion.Promoted)
	}
}
