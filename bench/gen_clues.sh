#!/usr/bin/env bash
# Fill the case database with N realistic problem clues (问题线索) for the
# clue list benchmark, through COPY (a generating SELECT streamed by COPY ...
# TO STDOUT into COPY ... FROM STDIN, so no file and no row-by-row INSERT).
#
#   bench/gen_clues.sh N
#
# The clues are spread like a working inspection office's: over the demo
# org tree's six units (hq, hq.east, hq.west, hq.east.city_a, city_b,
# hq.west.city_c), the seven sources, one or two of the seven categories,
# every stage (most registered or closed), received dates over the last two
# years, and one or two subjects each with Chinese (or a few English) names.
# The rows the list query looks up per clue come too: a disposal
# (clue_disposals) for every clue past registration (pending while the
# disposal is proposed, approved otherwise) and a case (cases) for every
# filed clue; a stage deadline for the stages that have one. Each call adds
# a batch of its own (source_ref bench-<batch>-<n>), so calls add up.
#
# Settings: CG_STATE (the stack's state folder; its PostgreSQL socket is
# used) or PGHOST; the database is cg_case.
set -euo pipefail
N=${1:?usage: gen_clues.sh N}
HOST=${PGHOST:-${CG_STATE:?CG_STATE or PGHOST must be set}/pg/sock}
BATCH=$(date +%s%N)
psql_case() { psql -h "$HOST" -U postgres -d cg_case -v ON_ERROR_STOP=1 -qtA "$@"; }

# One row per g; r1..r9 are the row's random draws, so each column's choice
# is independent of the others (a subject's surname and given name both come
# from r8: its first and its finer digits).
GEN="
WITH draw AS (
  SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5,
         random() r6, random() r7, random() r8, random() r9,
         now() - random() * interval '730 days' AS rec
    FROM generate_series(1, $N) g),
row AS (
  SELECT g, rec, r4, r9,
    (ARRAY['public_report','letters_visits','inspection_tour','audit_transfer',
           'risk_alert','superior_referral','own_work'])[1 + floor(r1 * 7)::int] AS source,
    (ARRAY['political','organizational','integrity','mass','work','life',
           'duty_crime'])[1 + floor(r2 * 7)::int] AS cat1,
    (ARRAY['integrity','work','duty_crime','mass'])[1 + floor(r3 * 4)::int] AS cat2,
    CASE WHEN r5 < 0.10 THEN 'hq' WHEN r5 < 0.25 THEN 'hq.east' WHEN r5 < 0.40 THEN 'hq.west'
         WHEN r5 < 0.65 THEN 'hq.east.city_a' WHEN r5 < 0.80 THEN 'hq.east.city_b'
         ELSE 'hq.west.city_c' END AS org_path,
    CASE WHEN r6 < 0.35 THEN 'registered' WHEN r6 < 0.40 THEN 'disposal_proposed'
         WHEN r6 < 0.50 THEN 'talk_inquiry' WHEN r6 < 0.60 THEN 'preliminary_verification'
         WHEN r6 < 0.70 THEN 'shelved' WHEN r6 < 0.90 THEN 'closed'
         WHEN r6 < 0.92 THEN 'filing_proposed' WHEN r6 < 0.97 THEN 'filed'
         ELSE 'merged' END AS status,
    CASE WHEN r7 < 0.05 THEN
      (ARRAY['John Smith','Mary Brown','Peter Wang','Anna Li'])[1 + floor(r8 * 4)::int]
    ELSE (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙','马','朱','胡','郭',
                '何','高','林','罗'])[1 + floor(r8 * 20)::int]
      || (ARRAY['伟','芳','娜','秀英','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟',
                '涛','明','超','秀兰','霞','建国','志强','海燕','晓东','国华'])[1 + floor(r8 * 500)::int % 25]
    END AS name1,
    (ARRAY['刘','陈','杨','黄','赵'])[1 + floor(r9 * 5)::int]
      || (ARRAY['平','刚','桂英','建华','文'])[1 + floor(r3 * 5)::int] AS name2,
    (ARRAY['科长','处长','副总经理','主任','项目经理','班长'])[1 + floor(r4 * 6)::int] AS position,
    (ARRAY['在物资采购中向特定供应商泄露标底','违规收受施工单位礼品礼金',
           '利用职务便利为亲属承揽工程','公车私用并虚报差旅费用','在干部选拔中打招呼说情',
           '变电站检修项目虚增工程量','违规发放津贴补贴','对群众反映的问题推诿扯皮'])
      [1 + floor(r2 * 8)::int] AS what
  FROM draw)
SELECT source, 'bench-$BATCH-' || g, cat1, what, '', name1, '', false, org_path, status,
       least(now(), rec + r4 * interval '2 days'),
       CASE WHEN r9 < 0.3 THEN
         jsonb_build_array(jsonb_build_object('name', name1, 'person_id', '', 'position', position,
                                              'org_unit', org_path),
                           jsonb_build_object('name', name2, 'person_id', '', 'position', '',
                                              'org_unit', org_path))
       ELSE jsonb_build_array(jsonb_build_object('name', name1, 'person_id', '',
                                                 'position', position, 'org_unit', org_path)) END,
       CASE WHEN cat1 = cat2 OR r4 < 0.5 THEN ARRAY[cat1] ELSE ARRAY[cat1, cat2] END,
       '反映' || name1 || position || what || '（编号 ' || g || '）', rec,
       CASE WHEN status = 'registered' THEN '' ELSE 'bench-handler-' || floor(r4 * 40)::int END,
       CASE WHEN status IN ('registered', 'disposal_proposed') THEN rec + interval '30 days'
            WHEN status = 'preliminary_verification' THEN rec + interval '120 days' END
  FROM row"
COLS="source, source_ref, category, content, location, accused_person, accused_unit, anonymous,
      org_path, status, created_at, subjects, categories, summary, received_at, handler_id,
      deadline_at"

START=$(date +%s.%N)
psql_case -c "COPY ($GEN) TO STDOUT" | psql_case -c "COPY clues ($COLS) FROM STDIN"
COPIED=$(date +%s.%N)

# The disposal that brought each clue to its stage, and a case for each
# filed clue, as the list's per-clue lookups find them in a working system.
DISPOSALS="
SELECT id,
  CASE status WHEN 'talk_inquiry' THEN 'talk_inquiry'
              WHEN 'preliminary_verification' THEN 'preliminary_verification'
              WHEN 'shelved' THEN 'shelve' WHEN 'closed' THEN 'close'
              WHEN 'disposal_proposed' THEN 'preliminary_verification'
              ELSE 'propose_filing' END,
  '经初步分析，按规定处置', 'registered',
  CASE WHEN status = 'disposal_proposed' THEN 'pending' ELSE 'approved' END,
  handler_id, received_at + interval '3 days',
  CASE WHEN status = 'disposal_proposed' THEN '' ELSE 'bench-lead' END,
  CASE WHEN status = 'disposal_proposed' THEN NULL ELSE received_at + interval '5 days' END
  FROM clues WHERE source_ref LIKE 'bench-$BATCH-%' AND status NOT IN ('registered', 'merged')"
psql_case -c "COPY ($DISPOSALS) TO STDOUT" |
    psql_case -c "COPY clue_disposals (clue_id, way, reason, from_status, state, proposed_by,
                  proposed_at, decided_by, decided_at) FROM STDIN"
psql_case -c "INSERT INTO cases (clue_id, filing_disposal_id, filed_by, filed_at)
  SELECT c.id, d.id, 'bench-lead', d.decided_at + interval '1 day'
    FROM clues c JOIN clue_disposals d ON d.clue_id = c.id
   WHERE c.source_ref LIKE 'bench-$BATCH-%' AND c.status = 'filed'"
psql_case -c "ANALYZE clues; ANALYZE clue_disposals; ANALYZE cases"
END=$(date +%s.%N)
awk -v n="$N" -v s="$START" -v c="$COPIED" -v e="$END" \
    -v t="$(psql_case -c 'SELECT count(*) FROM clues')" 'BEGIN {
    printf "gen_clues: %d clues loaded in %.1f s, their COPY %.1f s (%d in all)\n", n, e - s, c - s, t }'
