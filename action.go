package sdgdt

import "strings"

// Action is the code of an audited action, as stored in the audit log. Every
// code the system writes is declared here with its Vietnamese name, so that the
// audit log, the cell history and every export show the name, never the code.
type Action string

// The audited actions.
const (
	ActSignIn             Action = "auth.sign_in"
	ActUserCreate         Action = "user.create"
	ActUserSetup          Action = "user.setup"
	ActUserResetPassword  Action = "user.reset_password"
	ActUserResetMFA       Action = "user.reset_mfa"
	ActUserDisable        Action = "user.disable"
	ActUserEnable         Action = "user.enable"
	ActUserUpdateProfile  Action = "user.update_profile"
	ActUserChangePassword Action = "user.change_password"
	ActUserEnableMFA      Action = "user.enable_mfa"
	ActUserLiftDelay      Action = "user.lift_sign_in_delay"
	ActSessionEnd         Action = "session.end"
	ActUnitCreate         Action = "unit.create"
	ActSchoolCreate       Action = "school.create"
	ActSchoolYearCreate   Action = "school_year.create"
	ActSchoolRollover     Action = "school.rollover"
	ActRoleGrant          Action = "role.grant"
	ActRoleRevoke         Action = "role.revoke"
	ActGroupCreate        Action = "group.create"
	ActGroupMembers       Action = "group.members"

	ActClassCreate       Action = "class.create"
	ActClassImport       Action = "class.import"
	ActClassCurriculum   Action = "class.curriculum"
	ActClassSetHomeroom  Action = "class.set_homeroom"
	ActClassConfirmMonth Action = "class.confirm_month"

	ActAssignmentCreate        Action = "assignment.create"
	ActAssignmentChangeTeacher Action = "assignment.change_teacher"
	ActAssignmentImport        Action = "assignment.import"

	ActStaffProfile Action = "staff.profile"
	ActStaffImport  Action = "staff.import"
	ActStaffExport  Action = "staff.export"

	ActPupilCreate                Action = "pupil.create"
	ActPupilUpdate                Action = "pupil.update"
	ActPupilView                  Action = "pupil.view"
	ActPupilExport                Action = "pupil.export"
	ActPupilImport                Action = "pupil.import"
	ActPupilMoveLeave             Action = "pupil.movement.leave"
	ActPupilMoveClass             Action = "pupil.movement.class_move"
	ActPupilMoveTransferOut       Action = "pupil.movement.transfer_out"
	ActPupilMoveTransferIn        Action = "pupil.movement.transfer_in"
	ActPupilTransferAccept        Action = "pupil.transfer.accept"
	ActPupilTransferRefuse        Action = "pupil.transfer.refuse"
	ActPupilTransferAcceptedThere Action = "pupil.transfer.accepted_by_destination"

	ActAbsenceRecordDay   Action = "absence.record_day"
	ActAbsenceMonthTotals Action = "absence.month_totals"

	ActSheetPatch        Action = "sheet.patch"
	ActConductSet        Action = "conduct.set"
	ActRetestSet         Action = "retest.set"
	ActNotAssessedSet    Action = "not_assessed.set"
	ActHomeroomComment   Action = "homeroom_comment.set"
	ActPrimaryNominate   Action = "primary.nominate"
	ActPrimarySupplement Action = "primary.supplement"
	ActPrimaryDecision   Action = "primary.decision"

	ActLockSet          Action = "lock.set"
	ActLockLift         Action = "lock.lift"
	ActScheduleSet      Action = "schedule.set"
	ActApprovalPropose  Action = "approval.propose"
	ActIncidentReport   Action = "incident.report"
	ActIncidentAnswer   Action = "incident.answer"
	ActApprovalApproved Action = "approval.approved"
	ActApprovalReturned Action = "approval.returned"

	ActCorrectionRequest Action = "correction.request"
	ActCorrectionApprove Action = "correction.approve"
	ActCorrectionReject  Action = "correction.reject"
	ActCorrectionWitness Action = "correction.witness"
	ActCorrectionApply   Action = "correction.apply"
	ActCorrectionCancel  Action = "correction.cancel"

	ActSigningCAInit    Action = "signing.ca_init"
	ActSigningEnrol     Action = "signing.enrol"
	ActSigningChangePIN Action = "signing.change_pin"
	ActSigningImport    Action = "signing.import_pkcs12"
	ActSigningRevoke    Action = "signing.revoke"
	ActSignatureCreate  Action = "signature.create"
	ActSignatureVoid    Action = "signature.void"

	ActAuditPersonalView Action = "audit.personal_view"
	ActAuditAnchor       Action = "audit.anchor"

	// ActSchoolBulkLoad is a whole school's year loaded at once (sdgdt demo
	// --scale): its entry names the pupils and a digest of the marks.
	ActSchoolBulkLoad Action = "school.bulk_load"
	ActDocumentIssue  Action = "document.issue"
	ActArchiveExport  Action = "archive.export"
	ActPrintJobCreate Action = "print_job.create"
)

var actionNames = map[Action]string{
	ActSignIn:             "Đăng nhập",
	ActUserCreate:         "Tạo tài khoản",
	ActUserSetup:          "Hoàn tất thiết lập tài khoản",
	ActUserResetPassword:  "Đặt lại mật khẩu",
	ActUserResetMFA:       "Đặt lại xác thực hai lớp",
	ActUserDisable:        "Khóa tài khoản",
	ActUserEnable:         "Mở khóa tài khoản",
	ActUserUpdateProfile:  "Cập nhật thông tin cá nhân",
	ActUserChangePassword: "Đổi mật khẩu",
	ActUserEnableMFA:      "Bật xác thực hai lớp",
	ActUserLiftDelay:      "Gỡ hạn chế đăng nhập sai",
	ActSessionEnd:         "Kết thúc phiên đăng nhập",
	ActUnitCreate:         "Tạo đơn vị",
	ActSchoolCreate:       "Tạo trường",
	ActSchoolYearCreate:   "Tạo năm học",
	ActSchoolRollover:     "Chuyển năm học (lên lớp)",
	ActRoleGrant:          "Cấp vai trò",
	ActRoleRevoke:         "Thu hồi vai trò",
	ActGroupCreate:        "Tạo tổ/nhóm",
	ActGroupMembers:       "Sửa thành viên tổ/nhóm",

	ActClassCreate:       "Tạo lớp",
	ActClassImport:       "Nhập lớp từ Excel",
	ActClassCurriculum:   "Sửa chương trình lớp",
	ActClassSetHomeroom:  "Phân công chủ nhiệm",
	ActClassConfirmMonth: "Xác nhận số liệu tháng",

	ActAssignmentCreate:        "Phân công giảng dạy",
	ActAssignmentChangeTeacher: "Đổi giáo viên giảng dạy",
	ActAssignmentImport:        "Nhập phân công từ Excel",

	ActStaffProfile: "Sửa hồ sơ cán bộ",
	ActStaffImport:  "Nhập cán bộ từ Excel",
	ActStaffExport:  "Xuất danh sách cán bộ",

	ActPupilCreate:                "Thêm học sinh",
	ActPupilUpdate:                "Sửa hồ sơ học sinh",
	ActPupilView:                  "Xem hồ sơ đầy đủ của học sinh",
	ActPupilExport:                "Xuất danh sách có dữ liệu cá nhân",
	ActPupilImport:                "Nhập học sinh từ Excel",
	ActPupilMoveLeave:             "Ghi nhận nghỉ học",
	ActPupilMoveClass:             "Chuyển lớp",
	ActPupilMoveTransferOut:       "Chuyển trường (đi)",
	ActPupilMoveTransferIn:        "Chuyển trường (đến)",
	ActPupilTransferAccept:        "Tiếp nhận học sinh chuyển đến",
	ActPupilTransferRefuse:        "Từ chối học sinh chuyển đến",
	ActPupilTransferAcceptedThere: "Trường đến đã tiếp nhận học sinh",

	ActAbsenceRecordDay:   "Điểm danh",
	ActAbsenceMonthTotals: "Nhập số buổi vắng của tháng",

	ActSheetPatch:        "Nhập, sửa điểm",
	ActSchoolBulkLoad:    "Nạp dữ liệu cả năm của trường (bộ dữ liệu quy mô tỉnh)",
	ActConductSet:        "Đánh giá kết quả rèn luyện",
	ActRetestSet:         "Nhập điểm kiểm tra lại",
	ActNotAssessedSet:    "Quyết định không đánh giá môn học (học sinh khuyết tật)",
	ActHomeroomComment:   "Nhận xét của giáo viên chủ nhiệm",
	ActPrimaryNominate:   "Đề nghị khen thưởng (tiểu học)",
	ActPrimarySupplement: "Đánh giá bổ sung sau hè (tiểu học)",
	ActPrimaryDecision:   "Quyết định của hiệu trưởng (tiểu học)",

	ActLockSet:          "Khóa sổ",
	ActLockLift:         "Mở khóa sổ",
	ActScheduleSet:      "Đặt lịch nhập điểm",
	ActApprovalPropose:  "Đề nghị phê duyệt sổ",
	ActIncidentReport:   "Báo cáo sự cố, nhầm lẫn",
	ActIncidentAnswer:   "Trả lời báo cáo sự cố",
	ActApprovalApproved: "Phê duyệt sổ",
	ActApprovalReturned: "Trả lại đề nghị phê duyệt",

	ActCorrectionRequest: "Đề nghị điều chỉnh điểm",
	ActCorrectionApprove: "Lãnh đạo đồng ý điều chỉnh",
	ActCorrectionReject:  "Lãnh đạo từ chối điều chỉnh",
	ActCorrectionWitness: "Xác nhận chứng kiến điều chỉnh",
	ActCorrectionApply:   "Điều chỉnh điểm sau khóa sổ",
	ActCorrectionCancel:  "Hủy đề nghị điều chỉnh",

	ActSigningCAInit:    "Khởi tạo tổ chức cấp chứng thư số (CA)",
	ActSigningEnrol:     "Đăng ký chữ ký số",
	ActSigningChangePIN: "Đổi mã PIN ký",
	ActSigningImport:    "Nhập chứng thư số (PKCS#12)",
	ActSigningRevoke:    "Thu hồi chứng thư số",
	ActSignatureCreate:  "Ký số",
	ActSignatureVoid:    "Chữ ký số mất hiệu lực do dữ liệu thay đổi",

	ActAuditPersonalView: "Xem dữ liệu cá nhân trong nhật ký",
	ActAuditAnchor:       "Lưu dấu nhật ký của các trường lên đơn vị quản lý",

	ActDocumentIssue:  "In tài liệu (PDF có mã xác thực)",
	ActArchiveExport:  "Xuất bộ lưu trữ năm học",
	ActPrintJobCreate: "In sổ cả trường (công việc nền)",
}

// Actions lists every declared action, for pickers and tests.
func Actions() []Action {
	out := make([]Action, 0, len(actionNames))
	for a := range actionNames {
		out = append(out, a)
	}
	return out
}

// Known reports whether a is a declared action.
func (a Action) Known() bool { _, ok := actionNames[a]; return ok }

// Name returns the Vietnamese name of an action. An unknown code (from an older
// version) gets a readable fallback, never the bare code of a known one.
func (a Action) Name() string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return "Thao tác khác (" + string(a) + ")"
}

// ActionPrefix reports whether a belongs to the family named by prefix, such as
// "pupil." for every action on a pupil.
func (a Action) HasPrefix(prefix string) bool { return strings.HasPrefix(string(a), prefix) }

// MovementAction returns the action recorded for a pupil movement of a kind.
func MovementAction(kind string) Action { return Action("pupil.movement." + kind) }
