package main

import (
	"context"
	"fmt"
	"io"

	"sdgdt/internal/app"
	"sdgdt/internal/demo/scale"
	"sdgdt/internal/store"
)

// demoScale builds the province-scale data set (sdgdt demo --scale N) and
// prints what it wrote and how fast.
func demoScale(ctx context.Context, db *store.DB, n int, pw string, stdout io.Writer) error {
	fmt.Fprintf(stdout, "Đang tạo bộ dữ liệu quy mô tỉnh: %d trường (%s)…\n", n, db.Dialect)
	sum, err := scale.Build(ctx, app.New(db, app.DefaultConfig(), nil), scale.Options{Schools: n, Password: pw, Progress: stdout})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nĐã tạo %d trường (%v) dưới %d phòng GDĐT: %d lớp, %d học sinh, %d tài khoản, %d bảng điểm, %d điểm, %d kết quả, %d biến động.\n",
		sum.Schools, sum.SchoolsByKind, sum.Districts, sum.Classes, sum.Pupils, sum.Staff, sum.Sheets, sum.Marks, sum.Results, sum.Movements)
	fmt.Fprintf(stdout, "Thời gian: %s (tổ chức và tài khoản %s, nạp dữ liệu %s, chỉ mục, kiểm tra tham chiếu và ANALYZE %s); %d dòng, %.0f dòng/giây.\n",
		sum.Elapsed.Round(100e6), sum.Setup.Round(100e6), sum.Load.Round(100e6), sum.Finish.Round(100e6), sum.Rows, sum.RowsPerSecond())
	fmt.Fprintf(stdout, "Sinh dữ liệu (cộng các luồng): %s; ghi từng bảng (cộng các kết nối):", sum.Generate.Round(100e6))
	for _, t := range []string{"users", "classes", "class_subjects", "assignments", "sheets", "pupils", "enrolments", "movements", "conduct", "marks", "mark_changes", "pupil_results", "primary_results", "audit+commit"} {
		if d, ok := sum.Tables[t]; ok {
			fmt.Fprintf(stdout, " %s %s", t, d.Round(10e6))
		}
	}
	fmt.Fprintln(stdout)
	printAccounts(stdout, sum.Accounts, pw)
	return nil
}
