package web

import (
	"net/http"
	"strconv"

	"sdgdt/internal/app"
)

// Groups and subject teams of a school: members and the roles the
// group holds.

type groupsData struct {
	Head schoolHead
	SG   app.SchoolGroups
}

func (s *Server) groupsView(r *http.Request, p *app.Principal, pg *Page) (string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", err
	}
	sr, err := s.app.SchoolRecords(r.Context(), p, id, 0)
	if err != nil {
		return "", err
	}
	sg, err := s.app.Groups(r.Context(), p, id)
	if err != nil {
		return "", err
	}
	h := head(sr, "groups")
	h.CanManage = sg.CanManage
	pg.Title, pg.Active, pg.Data = "Tổ chuyên môn và nhóm — "+sg.School.Name, "records", groupsData{Head: h, SG: sg}
	pg.SchoolKind = sg.School.Kind
	return "school_groups", nil
}

func (s *Server) createGroup(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	_, err = s.app.CreateGroup(r.Context(), p, id, pg.Form.Get("kind"), pg.Form.Get("name"), formIDs(r, "members"))
	return schoolURL(id, "groups"), "created", err
}

func (s *Server) setGroupMembers(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	gid, _ := strconv.ParseInt(r.PathValue("gid"), 10, 64)
	err = s.app.SetGroupMembers(r.Context(), p, gid, formIDs(r, "members"))
	return schoolURL(id, "groups"), "saved", err
}

func (s *Server) grantGroupRole(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	gid, _ := strconv.ParseInt(r.PathValue("gid"), 10, 64)
	_, err = s.app.GrantGroupRole(r.Context(), p, gid, pg.Form.Get("role"), pg.Form.Get("duty"))
	return schoolURL(id, "groups"), "granted", err
}

func (s *Server) revokeGroupRole(r *http.Request, p *app.Principal, pg *Page) (string, string, error) {
	id, err := pathID(r)
	if err != nil {
		return "", "", err
	}
	grant, _ := strconv.ParseInt(r.PathValue("grant"), 10, 64)
	err = s.app.RevokeRole(r.Context(), p, grant)
	return schoolURL(id, "groups"), "revoked", err
}

// formIDs reads the ids a form sends under one name (checkboxes).
func formIDs(r *http.Request, name string) []int64 {
	var out []int64
	for _, v := range r.PostForm[name] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}
