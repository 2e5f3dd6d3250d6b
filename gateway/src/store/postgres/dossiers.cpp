// The dossier store on PostgreSQL.

#include "database.h"

namespace kiosk::gateway::postgres {

using core::Expected;

namespace {

const Query kByCode{"dossier_by_code",
                    "SELECT dossier_id, code, kiosk_id, procedure_code, received_at, appointment, "
                    "lookup_secret, status FROM dossiers WHERE code = $1"};
const Query kById{"dossier_by_id",
                  "SELECT dossier_id, code, kiosk_id, procedure_code, received_at, appointment, "
                  "lookup_secret, status FROM dossiers WHERE dossier_id = $1"};
// The sequence row stays locked until the admitting transaction ends: a
// second replica admitting for the same agency and day waits for it, and a
// transaction rolled back gives its number back.
const Query kNextSequence{"dossier_next_sequence",
                          "INSERT INTO sequences (agency, day, last) VALUES ($1, $2, 1) "
                          "ON CONFLICT (agency, day) DO UPDATE SET last = sequences.last + 1 "
                          "RETURNING last"};
const Query kInsert{
    "dossier_insert",
    "INSERT INTO dossiers (dossier_id, code, kiosk_id, procedure_code, "
    "received_at, received_ts, appointment, lookup_secret, status, manifest) "
    "VALUES ($1, $2, $3, $4, $5::text, $5::text::timestamptz, $6, $7, $8, $9::jsonb)"};
const Query kRate{"dossier_rate",
                  "INSERT INTO ratings (code, score, at, at_ts) VALUES ($1, $2, $3::text, "
                  "$3::text::timestamptz) "
                  "ON CONFLICT (code) DO NOTHING"};
// The manifest is the signed JSON the kiosk sealed (docs/dossier-package.md);
// days are Vietnam's (UTC+7).
const Query kTally{
    "dossier_tally",
    "SELECT to_char((received_ts AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD'), "
    "procedure_code, kiosk_id, COUNT(*), "
    "COUNT(*) FILTER (WHERE COALESCE((manifest->>'fees_total_vnd')::numeric, 0) > 0), "
    "COUNT(*) FILTER (WHERE jsonb_typeof(manifest->'payment') = 'object'), "
    "COALESCE(SUM((manifest->'payment'->>'amount_vnd')::numeric), 0)::bigint, "
    "COALESCE(SUM((manifest->'indicators_766'->>'HoSoCoThanhPhanSoHoa')::numeric), 0)::bigint, "
    "COALESCE(SUM((manifest->'indicators_766'->>'TaiKhoanDuocXacThucVoiVNeID')::numeric), "
    "0)::bigint, "
    "COUNT(*) FILTER (WHERE jsonb_typeof(manifest->'assisted_by') = 'object') "
    "FROM dossiers WHERE received_ts >= $1::timestamptz GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"};
const Query kRatings{
    "dossier_ratings",
    "SELECT d.kiosk_id, r.score, COUNT(*) FROM ratings r JOIN dossiers d ON "
    "d.code = r.code WHERE r.at_ts >= $1::timestamptz GROUP BY 1, 2 ORDER BY 1, 2"};

StoredDossier ReadDossier(const Result& r, int row) {
  return {r.Text(row, 0), r.Text(row, 1), r.Text(row, 2), r.Text(row, 3),
          r.Text(row, 4), r.Text(row, 5), r.Text(row, 6), r.Text(row, 7)};
}

class PostgresDossierStore final : public DossierStore {
 public:
  explicit PostgresDossierStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  // Two replicas admitting one dossier id at once: the second's insert
  // conflicts, its transaction runs again and finds the first's record.
  Expected<StoredDossier> Admit(const AdmitRequest& r, bool& created) override {
    return db_->Transaction([&](Session& s) -> Expected<StoredDossier> {
      KIOSK_ASSIGN_OR_RETURN(const auto existing, s.Exec(kById, {r.dossier_id}));
      if (existing.Rows() > 0) {
        created = false;
        return ReadDossier(existing, 0);
      }
      KIOSK_ASSIGN_OR_RETURN(const auto next,
                             s.Exec(kNextSequence, {r.agency, FormatDay(r.received_day)}));
      const StoredDossier stored{
          r.dossier_id,
          FormatDossierCode(r.agency, r.received_day, static_cast<int>(next.Int(0, 0))),
          r.kiosk_id,
          r.procedure_code,
          r.received_at,
          r.appointment,
          r.lookup_secret,
          "received"};
      KIOSK_TRY(s.Exec(kInsert, {stored.dossier_id, stored.code, stored.kiosk_id,
                                 stored.procedure_code, stored.received_at, stored.appointment,
                                 stored.lookup_secret, stored.status, r.manifest_json}));
      created = true;
      return stored;
    });
  }

  Expected<std::optional<StoredDossier>> FindByCode(const std::string& code) override {
    return Find(kByCode, code);
  }

  Expected<std::optional<StoredDossier>> FindById(const std::string& dossier_id) override {
    return Find(kById, dossier_id);
  }

  Expected<bool> AddRating(const std::string& code, int score, const std::string& at) override {
    return db_->Run([&](Session& s) -> Expected<bool> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kRate, {code, score, at}));
      return r.Affected() > 0;
    });
  }

  Expected<std::vector<DossierTally>> Tally(const std::string& since) override {
    return db_->Run([&](Session& s) -> Expected<std::vector<DossierTally>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kTally, {since}));
      return Each<DossierTally>(r, [](const Result& t, int i) {
        return DossierTally{t.Text(i, 0), t.Text(i, 1), t.Text(i, 2), t.Int(i, 3), t.Int(i, 4),
                            t.Int(i, 5),  t.Int(i, 6),  t.Int(i, 7),  t.Int(i, 8), t.Int(i, 9)};
      });
    });
  }

  Expected<std::vector<RatingTally>> Ratings(const std::string& since) override {
    return db_->Run([&](Session& s) -> Expected<std::vector<RatingTally>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kRatings, {since}));
      return Each<RatingTally>(r, [](const Result& t, int i) {
        return RatingTally{t.Text(i, 0), static_cast<int>(t.Int(i, 1)), t.Int(i, 2)};
      });
    });
  }

 private:
  Expected<std::optional<StoredDossier>> Find(const Query& query, const std::string& value) {
    return db_->Run([&](Session& s) -> Expected<std::optional<StoredDossier>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(query, {value}));
      return First<StoredDossier>(r, ReadDossier);
    });
  }

  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<DossierStore> DossiersOn(std::shared_ptr<Database> db) {
  return std::make_unique<PostgresDossierStore>(std::move(db));
}

}  // namespace kiosk::gateway::postgres
