package web

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sdgdt"
	"sdgdt/internal/app"
)

// The signatures API (06-signatures.md): canonical documents, signing with
// the PIN or an uploaded CMS, every signature of an object, a signature's
// CMS, and the trust roots. Sheets, homeroom data and class books share the
// handlers; the object comes from the path.

func classTermObject(kind string) func(r *http.Request) (app.SignObject, error) {
	return func(r *http.Request) (app.SignObject, error) {
		id, err := strconv.ParseInt(r.PathValue("class_id"), 10, 64)
		if err != nil || id <= 0 {
			return app.SignObject{}, &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy lớp."}
		}
		return app.SignObject{Kind: kind, ClassID: id, Term: r.PathValue("term")}, nil
	}
}

var (
	homeroomObject = classTermObject(sdgdt.SignHomeroom)
	bookObject     = classTermObject(sdgdt.SignBook)
)

func sheetObject(r *http.Request) (app.SignObject, error) {
	id, err := sheetPathID(r, "sheet_id")
	return app.SignObject{Kind: sdgdt.SignSheet, SheetID: id}, err
}

type apiCert struct {
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
	Serial  string `json:"serial"`
}

type apiSignature struct {
	SignatureID   string              `json:"signature_id"`
	Object        string              `json:"object"`
	ObjectID      string              `json:"object_id"`
	Signer        string              `json:"signer"`
	SignerID      string              `json:"signer_id"`
	Role          string              `json:"role"`
	RoleName      string              `json:"role_name"`
	SignedAt      string              `json:"signed_at"`
	Digest        string              `json:"digest"`
	External      bool                `json:"external"`
	Certificate   apiCert             `json:"certificate"`
	Valid         bool                `json:"valid"`
	InvalidReason *string             `json:"invalid_reason"`
	InvalidatedAt *string             `json:"invalidated_at"`
	Changed       []sdgdt.ChangedCell `json:"changed"`
}

func signatureJSON(sg sdgdt.Signature) apiSignature {
	out := apiSignature{SignatureID: id64(sg.ID), Object: sg.ObjectKind, ObjectID: sg.ObjectKey, Signer: sg.SignerName, SignerID: id64(sg.SignerID),
		Role: sg.Role, RoleName: sdgdt.RoleName(sg.Role), SignedAt: sg.SignedAt.UTC().Format(time.RFC3339), Digest: sg.Digest, External: sg.External,
		Certificate: apiCert{sg.CertSubject, sg.CertIssuer, sg.CertSerial}, Valid: sg.Valid, Changed: sg.Changed}
	if out.Changed == nil {
		out.Changed = []sdgdt.ChangedCell{}
	}
	if !sg.Valid {
		reason := sg.InvalidReason
		out.InvalidReason = &reason
		if !sg.InvalidatedAt.IsZero() {
			at := sg.InvalidatedAt.UTC().Format(time.RFC3339)
			out.InvalidatedAt = &at
		}
	}
	return out
}

func (s *Server) apiCanonical(object func(*http.Request) (app.SignObject, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
		o, err := object(r)
		if err != nil {
			return err
		}
		doc, digest, err := s.app.Canonical(r.Context(), p, o)
		if err != nil {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Content-SHA256", digest)
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Length", strconv.Itoa(len(doc)))
		w.WriteHeader(http.StatusOK)
		w.Write(doc)
		return nil
	}
}

func (s *Server) apiListSignatures(object func(*http.Request) (app.SignObject, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
		o, err := object(r)
		if err != nil {
			return err
		}
		st, err := s.app.Signatures(r.Context(), p, o)
		if err != nil {
			return err
		}
		out := make([]apiSignature, 0, len(st.Signatures))
		for _, sg := range st.Signatures {
			out = append(out, signatureJSON(sg.Signature))
		}
		if len(st.Missing) > 0 {
			w.Header().Set("X-Missing-Signatures", strconv.Itoa(len(st.Missing)))
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

type signRequest struct {
	PIN string `json:"pin"`
	OTP string `json:"otp"`
	CMS string `json:"cms"`
}

func (s *Server) apiSign(object func(*http.Request) (app.SignObject, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
		o, err := object(r)
		if err != nil {
			return err
		}
		var req signRequest
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
		in := app.SignInput{PIN: req.PIN, OTP: req.OTP}
		if c := strings.TrimSpace(req.CMS); c != "" {
			if in.CMS, err = base64.StdEncoding.DecodeString(c); err != nil {
				return &sdgdt.Error{Code: sdgdt.EINVALID, Message: "Trường cms phải là chữ ký CMS (DER) mã hoá base64.", Fields: map[string]string{"cms": "Không phải base64 hợp lệ."}}
			}
		}
		sg, err := s.app.Sign(r.Context(), p, o, in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, signatureJSON(sg))
		return nil
	}
}

func (s *Server) apiSignatureCMS(w http.ResponseWriter, r *http.Request, p *app.Principal) error {
	id, err := strconv.ParseInt(r.PathValue("signature_id"), 10, 64)
	if err != nil || id <= 0 {
		return &sdgdt.Error{Code: sdgdt.ENOTFOUND, Message: "Không tìm thấy chữ ký số."}
	}
	sg, err := s.app.SignatureCMS(r.Context(), p, id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pkcs7-signature")
	h.Set("Content-Disposition", `attachment; filename="chu-ky-`+id64(sg.ID)+`.p7s"`)
	h.Set("Content-Length", strconv.Itoa(len(sg.CMS)))
	w.WriteHeader(http.StatusOK)
	w.Write(sg.CMS)
	return nil
}

// apiTrustPEM serves the trust roots (public: whoever checks a signature
// needs them).
func (s *Server) apiTrustPEM(w http.ResponseWriter, r *http.Request) {
	b, err := s.app.TrustPEM(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Disposition", `inline; filename="trust.pem"`)
	w.Write(b)
}
