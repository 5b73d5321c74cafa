// Package scale builds a province-scale data set (sdgdt demo --scale N): N
// schools of realistic sizes and kinds under the Sở and its district offices,
// the current school year with curricula, teachers and teaching assignments,
// a full year of marks, conduct, stored results and a few movements. The
// tree, the schools and their leaders go through the use cases; each
// school's year is then generated in memory, its results computed by the
// rules engine as the recomputation does (app.EvaluateYears), and written
// by the store's bulk loader in one transaction with one audit entry.
package scale

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
	"sdgdt/internal/auth"
	"sdgdt/internal/demo"
	"sdgdt/internal/store"
)

// Options are the sizes and settings of a build.
type Options struct {
	Schools  int
	Password string    // of every account
	Seed     uint64    // of the random draws; the same seed gives the same province
	Progress io.Writer // a line every few schools; nil for none
}

// Summary is what a build wrote and how long it took.
type Summary struct {
	Schools, Districts     int
	SchoolsByKind          map[string]int
	Classes, Pupils, Staff int
	Sheets, Marks, Results int
	Movements, Rows        int
	Setup, Load, Finish    time.Duration
	Elapsed                time.Duration
	Accounts               []demo.Account
	Engine                 string
	// Generate is the time spent generating schools (summed over the
	// goroutines, waits for a CPU included).
	Generate time.Duration
	// Tables is the time spent writing each table (summed over writers).
	Tables map[string]time.Duration
}

// RowsPerSecond is the rows written per second of the whole build.
func (s Summary) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Elapsed.Seconds()
}

// schoolPlan is a school of the province before its year is generated.
type schoolPlan struct {
	index  int
	school sdgdt.School
	pre    string // username prefix
	leader int64
	seed   uint64
}

type builder struct {
	a      *app.App
	ctx    context.Context
	sys    *app.Principal
	opt    Options
	hash   string
	year   sdgdt.SchoolYear
	sum    Summary
	mu     sync.Mutex
	next   map[string]int64 // next free id per table
	idents map[string]int   // identity number prefix → next serial
}

// Build fills an empty database with a province of opt.Schools schools.
func Build(ctx context.Context, a *app.App, opt Options) (Summary, error) {
	start := time.Now()
	if opt.Schools < 1 {
		return Summary{}, errors.New("--scale: số trường phải từ 1 trở lên")
	}
	if err := auth.CheckPolicy("", opt.Password); err != nil {
		return Summary{}, fmt.Errorf("mật khẩu demo: %w", err)
	}
	empty := false
	if err := a.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		empty, err = tx.IsEmpty()
		return err
	}); err != nil {
		return Summary{}, err
	}
	if !empty {
		return Summary{}, errors.New("cơ sở dữ liệu đã có dữ liệu: lệnh demo --scale chỉ chạy trên cơ sở dữ liệu trống")
	}
	hash, err := auth.HashPasswordWith(a.Cfg.Argon, opt.Password)
	if err != nil {
		return Summary{}, err
	}
	if opt.Seed == 0 {
		opt.Seed = 2026
	}
	b := &builder{a: a, ctx: ctx, sys: app.System("demo-scale"), opt: opt, hash: hash, idents: map[string]int{}}
	b.sum.SchoolsByKind = map[string]int{}
	b.sum.Engine = string(a.DB.Dialect)
	plans, err := b.setup()
	if err != nil {
		return b.sum, err
	}
	b.sum.Setup = time.Since(start)
	loadStart := time.Now()
	if err := a.DB.BeginBulk(ctx); err != nil {
		return b.sum, err
	}
	if err := b.load(plans); err != nil {
		return b.sum, unfinished(err)
	}
	b.sum.Load = time.Since(loadStart)
	finish := time.Now()
	if err := a.DB.FinishBulk(ctx); err != nil {
		return b.sum, unfinished(err)
	}
	b.sum.Finish = time.Since(finish)
	b.sum.Elapsed = time.Since(start)
	return b.sum, nil
}

// unfinished says of a load's failure that the database is left half loaded.
func unfinished(err error) error {
	return fmt.Errorf("%w (cơ sở dữ liệu chưa nạp xong: hãy xóa và tạo lại nó trước khi chạy lại lệnh)", err)
}

var districtNames = []string{
	"thành phố Buôn Ma Thuột", "thị xã Buôn Hồ", "huyện Krông Pắc", "huyện Ea Kar", "huyện Krông Ana", "huyện Cư M'gar",
	"huyện Ea H'leo", "huyện Krông Búk", "huyện Krông Năng", "huyện Ea Súp", "huyện Buôn Đôn", "huyện Cư Kuin", "huyện M'Đrắk",
	"huyện Krông Bông", "huyện Lắk", "thành phố Tuy Hòa", "thị xã Sông Cầu", "thị xã Đông Hòa", "huyện Tuy An", "huyện Sơn Hòa",
	"huyện Đồng Xuân", "huyện Sông Hinh", "huyện Tây Hòa", "huyện Phú Hòa", "thành phố Gia Nghĩa", "huyện Cư Jút", "huyện Krông Nô",
	"huyện Đắk Mil", "huyện Đắk Song", "huyện Đắk R'lấp", "huyện Đắk Glong", "huyện Tuy Đức",
}

var schoolNames = []string{
	"Lê Lợi", "Nguyễn Trãi", "Trần Hưng Đạo", "Lý Thường Kiệt", "Quang Trung", "Hùng Vương", "Nguyễn Du", "Chu Văn An",
	"Lê Quý Đôn", "Nguyễn Bỉnh Khiêm", "Phan Bội Châu", "Phan Chu Trinh", "Trần Phú", "Võ Thị Sáu", "Kim Đồng", "Lê Văn Tám",
	"Nguyễn Văn Trỗi", "Ngô Quyền", "Hai Bà Trưng", "Bà Triệu", "Đinh Tiên Hoàng", "Lê Hồng Phong", "Nguyễn Thị Minh Khai",
	"Trần Quốc Toản", "Hoàng Hoa Thám", "Tô Hiệu", "Lương Thế Vinh", "Nguyễn Khuyến", "Y Jút", "Nơ Trang Long", "Ama Trang Lơng",
	"Nguyễn Chí Thanh", "Võ Văn Kiệt", "Phạm Văn Đồng", "Trần Quang Khải", "Mạc Đĩnh Chi", "Tôn Đức Thắng", "Lê Đình Chinh",
	"Hoa Sen", "Sơn Ca", "Họa Mi", "Bình Minh", "Ea Tam", "Tân Lập", "Hòa Thắng", "Ea Kao", "Cư Êbur", "Krông Jing",
}

// kindCycle is the mix of school kinds, repeated every 20 schools: about
// half primary, a third lower secondary, a tenth upper secondary (under the
// Sở), a few multi-level schools and GDNN-GDTX centres.
var kindCycle = [20]string{"thpt", "th", "thcs", "th", "thcs", "gdnn_gdtx", "th", "th_thcs", "thcs", "th",
	"thpt", "th", "thcs", "th", "thcs", "th", "thcs", "th", "thcs", "th"}

var kindPrefix = map[string]string{"th": "Trường Tiểu học", "thcs": "Trường THCS", "thpt": "Trường THPT",
	"th_thcs": "Trường Tiểu học và THCS", "gdnn_gdtx": "Trung tâm GDNN-GDTX"}

var kindCode = map[string]string{"th": "TH", "thcs": "THCS", "thpt": "THPT", "th_thcs": "THTHCS", "gdnn_gdtx": "GDTX"}

// setup creates the year, the tree of offices, the schools and their leaders
// through the use cases.
func (b *builder) setup() ([]schoolPlan, error) {
	a, ctx, sys := b.a, b.ctx, b.sys
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, sdgdt.Vietnam) }
	var err error
	b.year, err = a.CreateSchoolYear(ctx, sys, sdgdt.SchoolYear{Name: "2026-2027",
		StartsOn: day(2026, 9, 5), GK1On: day(2026, 11, 2), CK1On: day(2027, 1, 4), HK1EndsOn: day(2027, 1, 16),
		HK2Starts: day(2027, 1, 18), GK2On: day(2027, 3, 22), CNOn: day(2027, 5, 10), EndsOn: day(2027, 5, 31), Current: true})
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(b.opt.Seed, 1))
	so, err := a.CreateUnit(ctx, sys, 0, sdgdt.UnitProvince, "Sở Giáo dục và Đào tạo Đắk Lắk", "SGDDT-DL")
	if err != nil {
		return nil, err
	}
	if err := b.unitAccounts(so, "so"); err != nil {
		return nil, err
	}
	kinds := make([]string, b.opt.Schools)
	local := 0
	for i := range kinds {
		kinds[i] = kindCycle[i%20]
		if kinds[i] == "gdnn_gdtx" && i%40 != 5 {
			kinds[i] = "th" // a GDNN-GDTX centre every 40 schools
		}
		if kinds[i] != "thpt" {
			local++
		}
	}
	// District offices of 10-40 schools (about 25).
	nd := max(1, int(math.Round(float64(local)/25)))
	var districts []sdgdt.Unit
	var weights []float64
	total := 0.0
	for d := 0; d < nd; d++ {
		name := districtNames[d%len(districtNames)]
		if d >= len(districtNames) {
			name += fmt.Sprintf(" (khu vực %d)", d/len(districtNames)+1)
		}
		u, err := a.CreateUnit(ctx, sys, so.ID, sdgdt.UnitDistrict, "Phòng Giáo dục và Đào tạo "+name, fmt.Sprintf("PGDDT-%02d", d+1))
		if err != nil {
			return nil, err
		}
		if d == 0 {
			if err := b.unitAccounts(u, "pgd01"); err != nil {
				return nil, err
			}
		}
		districts = append(districts, u)
		w := 0.45 + 1.1*r.Float64()
		weights = append(weights, w)
		total += w
	}
	b.sum.Districts = nd
	plans := make([]schoolPlan, 0, b.opt.Schools)
	usedName := map[string]int{}
	for i, kind := range kinds {
		unit := so
		if kind != "thpt" {
			x := r.Float64() * total
			unit = districts[len(districts)-1]
			for d, w := range weights {
				if x < w {
					unit = districts[d]
					break
				}
				x -= w
			}
		}
		name := kindPrefix[kind] + " " + schoolNames[r.IntN(len(schoolNames))]
		key := unit.Code + name
		if usedName[key]++; usedName[key] > 1 {
			name += fmt.Sprintf(" số %d", usedName[key])
		}
		code := fmt.Sprintf("%s-%04d", kindCode[kind], i+1)
		addr := fmt.Sprintf("%d %s, %s", 1+r.IntN(300), schoolNames[r.IntN(len(schoolNames))], unit.Name[len("Phòng Giáo dục và Đào tạo "):])
		if kind == "thpt" {
			addr = fmt.Sprintf("%d %s, %s", 1+r.IntN(300), schoolNames[r.IntN(len(schoolNames))], districtNames[r.IntN(len(districtNames))])
		}
		s, err := a.CreateSchool(ctx, sys, unit.ID, kind, name, code, addr)
		if err != nil {
			return nil, fmt.Errorf("trường %s: %w", code, err)
		}
		pre := demo.ASCII(kindCode[kind]) + fmt.Sprintf("%04d", i+1)
		duty := "Hiệu trưởng, Trưởng ban quản trị"
		if kind == "gdnn_gdtx" {
			duty = "Giám đốc trung tâm, Trưởng ban quản trị"
		}
		leader, err := b.account(r, pre+".lanhdao", sdgdt.ScopeSchool, s.ID, sdgdt.RoleLeader, s.Name, duty, i < 5)
		if err != nil {
			return nil, err
		}
		plans = append(plans, schoolPlan{index: i, school: s, pre: pre, leader: leader, seed: b.opt.Seed*1_000_003 + uint64(i)})
		b.sum.SchoolsByKind[kind]++
		b.progress("tạo trường", i+1, len(kinds))
	}
	b.sum.Schools = len(plans)
	return plans, nil
}

func (b *builder) progress(what string, i, n int) {
	if b.opt.Progress == nil {
		return
	}
	step := max(1, n/20)
	if i%step == 0 || i == n {
		fmt.Fprintf(b.opt.Progress, "  %s: %d/%d\n", what, i, n)
	}
}

func (b *builder) unitAccounts(u sdgdt.Unit, pre string) error {
	r := rand.New(rand.NewPCG(b.opt.Seed, uint64(u.ID)+7))
	if _, err := b.account(r, pre+".quantri", sdgdt.ScopeUnit, u.ID, sdgdt.RoleUnitAdmin, u.Name, "", true); err != nil {
		return err
	}
	_, err := b.account(r, pre+".bqt", sdgdt.ScopeUnit, u.ID, sdgdt.RoleUnitBoard, u.Name, "Thành viên Ban quản trị: kiểm tra, giám sát các trường", true)
	return err
}

// account creates an account through the use cases, as the demo does: the
// demo password, not forced to change it, a second factor enrolled when the
// role requires one, and the role granted (a leader also heads the board).
func (b *builder) account(r *rand.Rand, username, scopeKind string, scopeID int64, role, scopeName, duty string, listed bool) (int64, error) {
	a, ctx, sys := b.a, b.ctx, b.sys
	p := demo.NewPerson(r)
	u, _, err := a.CreateUser(ctx, sys, app.NewUserInput{Username: username, FullName: p.Full(), HomeKind: scopeKind, HomeID: scopeID, Password: b.opt.Password, PasswordHash: b.hash})
	if err != nil {
		return 0, fmt.Errorf("tạo tài khoản %s: %w", username, err)
	}
	secret := ""
	if a.Cfg.MFARoles[role] {
		secret = auth.NewTOTPSecret()
	}
	if err := a.SetupAccount(ctx, sys, u.ID, false, secret); err != nil {
		return 0, err
	}
	if _, err := a.GrantRole(ctx, sys, u.ID, role, scopeKind, scopeID, duty); err != nil {
		return 0, err
	}
	if role == sdgdt.RoleLeader {
		if _, err := a.GrantRole(ctx, sys, u.ID, sdgdt.RoleBoard, scopeKind, scopeID, duty); err != nil {
			return 0, err
		}
	}
	b.sum.Staff++
	if listed {
		acc := demo.Account{Username: u.Username, FullName: u.FullName, Role: role, ScopeKind: scopeKind, ScopeName: scopeName}
		if secret != "" {
			acc.TOTPSecret = &secret
		}
		b.sum.Accounts = append(b.sum.Accounts, acc)
	}
	return u.ID, nil
}

// alloc reserves n ids of a table.
func (b *builder) alloc(table string, n int) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.next[table]
	b.next[table] += int64(n)
	return id
}

// identity returns an identity number unique in the province, of the form
// the demo draws (066, century and sex, year of birth, serial).
func (b *builder) identity(prefix string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := b.idents[prefix]
	b.idents[prefix]++
	return prefix + fmt.Sprintf("%06d", (n*7919+13)%1000000)
}

// load generates each school's year and writes it, generation on every core
// and writing on one connection (SQLite) or two (PostgreSQL).
func (b *builder) load(plans []schoolPlan) error {
	var err error
	if b.next, err = b.a.DB.NextIDs(b.ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	jobs := make(chan schoolPlan)
	ready := make(chan *store.BulkSchool, 2)
	var errOnce sync.Once
	var firstErr error
	fail := func(e error) {
		errOnce.Do(func() { firstErr = e; cancel() })
	}
	go func() {
		defer close(jobs)
		for _, p := range plans {
			select {
			case jobs <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	var gen sync.WaitGroup
	for w := 0; w < max(1, runtime.NumCPU()); w++ {
		gen.Add(1)
		go func() {
			defer gen.Done()
			for p := range jobs {
				t0 := time.Now()
				bs, err := b.school(p)
				if err != nil {
					fail(fmt.Errorf("trường %s: %w", p.school.Code, err))
					return
				}
				b.mu.Lock()
				b.sum.Generate += time.Since(t0)
				b.mu.Unlock()
				select {
				case ready <- bs:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { gen.Wait(); close(ready) }()
	writers := 1
	if b.a.DB.Dialect == store.Postgres {
		writers = 2
	}
	var wr sync.WaitGroup
	done := 0
	for w := 0; w < writers; w++ {
		wr.Add(1)
		go func() {
			defer wr.Done()
			for bs := range ready {
				if err := b.a.DB.BulkLoad(ctx, bs); err != nil {
					fail(err)
					return
				}
				b.mu.Lock()
				b.count(bs)
				done++
				n := done
				b.mu.Unlock()
				b.progress("nạp dữ liệu năm học", n, len(plans))
			}
		}()
	}
	wr.Wait()
	for range ready { // drain after a failure
	}
	return firstErr
}

func (b *builder) count(bs *store.BulkSchool) {
	b.sum.Classes += len(bs.Classes)
	b.sum.Pupils += len(bs.Pupils)
	b.sum.Staff += len(bs.Users)
	b.sum.Sheets += len(bs.Sheets)
	b.sum.Marks += len(bs.Marks)
	b.sum.Results += len(bs.Results) + len(bs.PrimaryResults)
	b.sum.Movements += len(bs.Movements)
	b.sum.Rows += bs.Rows()
	if b.sum.Tables == nil {
		b.sum.Tables = map[string]time.Duration{}
	}
	for k, v := range bs.Took {
		b.sum.Tables[k] += v
	}
}

// auditAfter is what a bulk load's audit entry records (store.VerifyData
// reads pupils, marks and marks_sha256).
type auditAfter struct {
	Source       string                `json:"source"`
	SchoolYearID int64                 `json:"school_year_id"`
	Classes      int                   `json:"classes"`
	Teachers     int                   `json:"teachers"`
	Sheets       int                   `json:"sheets"`
	Pupils       map[string]auditPupil `json:"pupils"`
	Marks        int                   `json:"marks"`
	MarksSHA256  string                `json:"marks_sha256"`
	Conduct      int                   `json:"conduct"`
	Movements    int                   `json:"movements"`
	Results      int                   `json:"results"`
}

type auditPupil struct {
	FullName       string `json:"full_name"`
	IdentityNumber string `json:"identity_number"`
	ClassID        int64  `json:"class_id"`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
