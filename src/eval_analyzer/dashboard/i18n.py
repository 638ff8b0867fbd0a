"""Every label and message of the dashboard in English and Traditional Chinese.

`t(key, lang, **fmt)` looks a key up and formats it; a missing translation falls back to English, a missing key
shows the key itself (a test checks that both languages define every key). Values inserted with `fmt` are
plain text: callers escape the result before putting it into HTML.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"en": "Eval Analyzer", "zh-TW": "評測分析器"},
    # tabs
    "tab_overview": {"en": "Overview", "zh-TW": "總覽"},
    "tab_delta": {"en": "Δ analysis", "zh-TW": "Δ 分析"},
    "tab_heatmap": {"en": "Heatmaps", "zh-TW": "熱力圖"},
    "tab_files": {"en": "Files & problems", "zh-TW": "檔案與問題"},
    "tab_station": {"en": "Station", "zh-TW": "資料站"},
    # loading
    "load_title": {"en": "Load results", "zh-TW": "載入結果"},
    "load_help": {"en": "Choose .json, .jsonl, .csv, .eval, .md / .txt (an lm-eval table) or .zip files (several "
                          "at once).",
                  "zh-TW": "選擇 .json、.jsonl、.csv、.eval、.md／.txt（lm-eval 表格）或 .zip 檔案（可一次多選）。"},
    "reading": {"en": "Reading {n} file(s)…", "zh-TW": "正在讀取 {n} 個檔案…"},
    "loaded_summary": {"en": "{files} file(s), {sources} source(s), {datasets} dataset(s).",
                       "zh-TW": "{files} 個檔案、{sources} 個來源、{datasets} 個資料集。"},
    "problems_summary": {"en": "{n} problem(s): see the “Files & problems” tab.",
                         "zh-TW": "{n} 個問題：請見「檔案與問題」分頁。"},
    "nothing_loaded": {"en": "No results loaded yet. Upload files in the sidebar.",
                       "zh-TW": "尚未載入結果。請在側欄上傳檔案。"},
    "remove": {"en": "Remove", "zh-TW": "移除"},
    "file_sources": {"en": "Sources", "zh-TW": "來源"},
    "file_scores": {"en": "Scores", "zh-TW": "分數數量"},
    "file_questions": {"en": "Per-question values", "zh-TW": "逐題數值"},
    "file_name": {"en": "File", "zh-TW": "檔案"},
    "no_files": {"en": "No files loaded.", "zh-TW": "沒有已載入的檔案。"},
    "severity_error": {"en": "error", "zh-TW": "錯誤"},
    "severity_warning": {"en": "warning", "zh-TW": "警告"},
    "severity_notice": {"en": "notice", "zh-TW": "提示"},
    "what_to_do": {"en": "What to do:", "zh-TW": "建議做法："},
    # settings
    "dataset": {"en": "Dataset", "zh-TW": "資料集"},
    "models": {"en": "Models", "zh-TW": "模型"},
    "metric": {"en": "Metric", "zh-TW": "指標"},
    "metric_primary": {"en": "Primary metric of each file", "zh-TW": "各檔案的主要指標"},
    "scale": {"en": "Scale", "zh-TW": "刻度"},
    "scale_1": {"en": "0–1", "zh-TW": "0–1"},
    "scale_100": {"en": "0–100", "zh-TW": "0–100"},
    "sort": {"en": "Sort categories", "zh-TW": "類別排序"},
    "sort_mean_desc": {"en": "Mean, high → low", "zh-TW": "平均，高 → 低"},
    "sort_mean_asc": {"en": "Mean, low → high", "zh-TW": "平均，低 → 高"},
    "sort_alpha": {"en": "Alphabetical", "zh-TW": "字母順序"},
    "page_size": {"en": "Categories per page", "zh-TW": "每頁類別數"},
    "page": {"en": "Page", "zh-TW": "頁"},
    "prev": {"en": "◀ Previous", "zh-TW": "◀ 上一頁"},
    "next": {"en": "Next ▶", "zh-TW": "下一頁 ▶"},
    "page_of": {"en": "Page {page} of {pages}", "zh-TW": "第 {page} / {pages} 頁"},
    "range": {"en": "categories {first}–{last} of {total}", "zh-TW": "類別 {first}–{last}，共 {total} 個"},
    "language": {"en": "Language", "zh-TW": "語言"},
    # filter
    "filter_title": {"en": "Score filter", "zh-TW": "分數篩選"},
    "filter_on": {"en": "Filter categories by score", "zh-TW": "依分數篩選類別"},
    "op_ge": {"en": "≥ (at least)", "zh-TW": "≥（至少）"},
    "op_le": {"en": "≤ (at most)", "zh-TW": "≤（至多）"},
    "mode": {"en": "Applies to", "zh-TW": "適用於"},
    "mode_any": {"en": "Any shown model", "zh-TW": "任一顯示中的模型"},
    "mode_model": {"en": "A specific model", "zh-TW": "指定模型"},
    "threshold": {"en": "Threshold", "zh-TW": "門檻"},
    "filter_model": {"en": "Model for the filter", "zh-TW": "篩選用模型"},
    "no_match": {"en": "No category has {who} with a score {op} {threshold}. Relax the condition: {hint}, "
                       "switch the operator, or turn the filter off.",
                 "zh-TW": "沒有任何類別符合：{who}分數 {op} {threshold}。請放寬條件：{hint}、切換條件，或關閉篩選。"},
    "who_any": {"en": "any shown model", "zh-TW": "任一顯示中的模型"},
    "who_model": {"en": "“{model}”", "zh-TW": "「{model}」"},
    "hint_lower": {"en": "lower the threshold", "zh-TW": "降低門檻"},
    "hint_raise": {"en": "raise the threshold", "zh-TW": "提高門檻"},
    "filter_active": {"en": "Filter: {who} {op} {threshold} — {n} of {total} categories.",
                      "zh-TW": "篩選：{who} {op} {threshold} — {total} 個類別中的 {n} 個。"},
    # overview
    "overall_title": {"en": "Overall average", "zh-TW": "整體平均"},
    "computed": {"en": "(computed)", "zh-TW": "（計算值）"},
    "reported": {"en": "(reported)", "zh-TW": "（報告值）"},
    "model": {"en": "Model", "zh-TW": "模型"},
    "category": {"en": "Category", "zh-TW": "類別"},
    "score": {"en": "Score", "zh-TW": "分數"},
    "file": {"en": "File", "zh-TW": "檔案"},
    "std": {"en": "± std", "zh-TW": "± 標準差"},
    "pivot_title": {"en": "Scores (rows: categories, columns: models)", "zh-TW": "分數（列：類別，欄：模型）"},
    "csv_page": {"en": "CSV of this page", "zh-TW": "本頁 CSV"},
    "csv_all": {"en": "CSV of all categories", "zh-TW": "全部類別 CSV"},
    "no_models": {"en": "No model selected. Select at least one model.", "zh-TW": "未選擇模型。請至少選擇一個模型。"},
    # Δ
    "delta_title": {"en": "Δ settings", "zh-TW": "Δ 設定"},
    "baseline": {"en": "Baseline", "zh-TW": "基準模型"},
    "candidates": {"en": "Candidates", "zh-TW": "比較模型"},
    "dsort": {"en": "Sort Δ", "zh-TW": "Δ 排序"},
    "dsort_abs_desc": {"en": "|Δ| high → low", "zh-TW": "|Δ| 高 → 低"},
    "dsort_delta_desc": {"en": "Δ high → low (most improved)", "zh-TW": "Δ 高 → 低（進步最多）"},
    "dsort_delta_asc": {"en": "Δ low → high (most regressed)", "zh-TW": "Δ 低 → 高（退步最多）"},
    "dsort_name": {"en": "Category name", "zh-TW": "類別名稱"},
    "dmin": {"en": "Minimum |Δ|", "zh-TW": "最小 |Δ|"},
    "eps": {"en": "Tie tolerance ε", "zh-TW": "平手容差 ε"},
    "topn": {"en": "Top/bottom N", "zh-TW": "前/後 N 名"},
    "summary_title": {"en": "Summary per candidate", "zh-TW": "各比較模型摘要"},
    "summary_note": {"en": "The summary covers all {n} paired categories, regardless of the minimum |Δ|.",
                     "zh-TW": "摘要涵蓋全部 {n} 個配對類別，不受最小 |Δ| 影響。"},
    "mean_delta": {"en": "Mean Δ", "zh-TW": "平均 Δ"},
    "median_delta": {"en": "Median Δ", "zh-TW": "中位數 Δ"},
    "wlt": {"en": "W / L / T", "zh-TW": "勝 / 負 / 平"},
    "coverage": {"en": "Coverage", "zh-TW": "涵蓋率"},
    "candidate": {"en": "Candidate", "zh-TW": "比較模型"},
    "baseline_score": {"en": "Baseline score", "zh-TW": "基準分數"},
    "candidate_score": {"en": "Candidate score", "zh-TW": "比較分數"},
    "delta": {"en": "Δ", "zh-TW": "Δ"},
    "delta_pp": {"en": "Δ (pp)", "zh-TW": "Δ（百分點）"},
    "delta_fraction_line": {"en": "Δ on the 0–1 scale (switch the scale to 0–100 for percentage points).",
                            "zh-TW": "Δ 以 0–1 尺度表示（切換到 0–100 尺度即為百分點）。"},
    "delta_pp_line": {"en": "Δ in percentage points (pp).", "zh-TW": "Δ 以百分點表示。"},
    "delta_own_units": {"en": "Δ ({metric}, own units)", "zh-TW": "Δ（{metric}，指標原始單位）"},
    "delta_mixed": {"en": "Δ ({fraction} for 0–1 metrics; {metric} in own units)",
                    "zh-TW": "Δ（0–1 指標為 {fraction}；{metric} 為指標原始單位）"},
    "units": {"en": "Units", "zh-TW": "單位"},
    "units_note": {"en": "{metric}: shown in the metric's own units; the 0–1 / 0–100 switch does not change them.",
                   "zh-TW": "{metric}：以指標本身的單位顯示；0–1／0–100 切換不會改變這些數值。"},
    "units_note_mixed": {"en": "Mixed units: {metric} in the metric's own units, the other scores on the {scale} "
                               "scale (see the Units column).",
                         "zh-TW": "單位不一：{metric} 以指標本身的單位顯示，其餘分數為 {scale} 刻度（見「單位」欄）。"},
    "within_noise": {"en": "within run noise", "zh-TW": "在重複測量誤差內"},
    "ranking_title": {"en": "Δ per category", "zh-TW": "各類別 Δ"},
    "capped": {"en": "{candidate}: showing the {shown} largest |Δ| of {total}.",
               "zh-TW": "{candidate}：顯示 {total} 個中 |Δ| 最大的 {shown} 個。"},
    "hidden_by_min": {"en": "{hidden} row(s) with |Δ| below {min} are hidden.",
                      "zh-TW": "已隱藏 {hidden} 列 |Δ| 小於 {min} 的資料。"},
    "top_title": {"en": "Top {n} (most improved)", "zh-TW": "前 {n} 名（進步最多）"},
    "bottom_title": {"en": "Bottom {n} (most regressed)", "zh-TW": "後 {n} 名（退步最多）"},
    "csv_ranking": {"en": "CSV: ranking", "zh-TW": "CSV：排名"},
    "csv_summary": {"en": "CSV: summary", "zh-TW": "CSV：摘要"},
    "csv_topbottom": {"en": "CSV: top/bottom N", "zh-TW": "CSV：前/後 N 名"},
    "msg_no_data": {"en": "No scores in this dataset.", "zh-TW": "此資料集沒有分數。"},
    "msg_no_baseline": {"en": "The baseline “{baseline}” has no scores in dataset “{dataset}”. Choose another "
                              "baseline or dataset.",
                        "zh-TW": "基準模型「{baseline}」在資料集「{dataset}」中沒有分數。請選擇其他基準模型或資料集。"},
    "msg_no_candidates": {"en": "No candidate chosen. Pick at least one candidate to compare with the baseline.",
                          "zh-TW": "尚未選擇比較模型。請至少選擇一個模型與基準比較。"},
    "msg_no_paired": {"en": "The candidates share no category with the baseline in this dataset, so there is "
                            "nothing to compare.",
                      "zh-TW": "比較模型在此資料集中與基準模型沒有共同類別，無從比較。"},
    "msg_no_rows": {"en": "Every row is hidden by the minimum |Δ|; lower it to see rows.",
                    "zh-TW": "所有列都被最小 |Δ| 隱藏；請降低它以顯示資料。"},
    # heatmaps
    "heatmap_scores": {"en": "Scores: models × categories", "zh-TW": "分數：模型 × 類別"},
    "heatmap_delta": {"en": "Δ vs baseline “{baseline}”", "zh-TW": "相對基準「{baseline}」的 Δ"},
    # link
    "link_title": {"en": "Link to this view", "zh-TW": "此畫面的連結"},
    "copy_link": {"en": "Copy link", "zh-TW": "複製連結"},
    # Δ statistics (is the difference real?)
    "alpha": {"en": "Significance level α", "zh-TW": "顯著水準 α"},
    "ci_level": {"en": "Confidence interval", "zh-TW": "信賴區間"},
    "ci_level_value": {"en": "{pct} % CI", "zh-TW": "{pct}% 信賴區間"},
    "correction": {"en": "Multiple-comparison correction", "zh-TW": "多重比較校正"},
    "corr_holm": {"en": "Holm (controls false positives)", "zh-TW": "Holm（控制偽陽性）"},
    "corr_bh": {"en": "Benjamini–Hochberg (false discovery rate)", "zh-TW": "Benjamini–Hochberg（偽發現率）"},
    "corr_none": {"en": "None (each category alone)", "zh-TW": "不校正（各類別單獨檢定）"},
    "shared_x": {"en": "One Δ axis for every candidate", "zh-TW": "所有比較模型共用同一 Δ 軸"},
    "ci_col": {"en": "CI", "zh-TW": "信賴區間"},
    "p_col": {"en": "p", "zh-TW": "p 值"},
    "p_adjusted_col": {"en": "p (adjusted)", "zh-TW": "p 值（校正後）"},
    "n_col": {"en": "n", "zh-TW": "題數 n"},
    "mde_col": {"en": "MDE", "zh-TW": "最小可偵測差異"},
    "test_col": {"en": "Test", "zh-TW": "檢定"},
    "mean_ci": {"en": "Mean Δ [{pct} % CI]", "zh-TW": "平均 Δ [{pct}% 信賴區間]"},
    "sig_wl": {"en": "Significant W / L / indistinguishable", "zh-TW": "顯著 勝 / 負 / 無法區分"},
    "n_samples": {"en": "Paired questions", "zh-TW": "配對題數"},
    "stats_loading": {"en": "Computing significance: the statistics library is still loading; whiskers, p-values "
                            "and solid/pale bars appear when it is ready.",
                      "zh-TW": "正在準備顯著性檢定：統計函式庫仍在載入中，完成後會顯示誤差線、p 值與實心／淡色長條。"},
    "legend_solid": {"en": "significant: adjusted p < {alpha} ({correction})",
                     "zh-TW": "顯著：校正後 p < {alpha}（{correction}）"},
    "legend_pale": {"en": "not significant: may be noise", "zh-TW": "不顯著：可能只是雜訊"},
    "legend_whisker": {"en": "whisker: {pct} % confidence interval", "zh-TW": "誤差線：{pct}% 信賴區間"},
    "legend_untested": {"en": "untested (no statistics yet)", "zh-TW": "尚未檢定（尚無統計結果）"},
    "tests_used": {"en": "Tests used: {tests}.", "zh-TW": "使用的檢定：{tests}。"},
    "unpaired_note": {"en": "unpaired-z (no per-question data, only standard errors) overstates the uncertainty: "
                            "a real difference may look indistinguishable.",
                      "zh-TW": "unpaired-z（沒有逐題資料，只有標準誤）會高估不確定性：真實的差異可能看起來無法區分。"},
    "none_note": {"en": "{n} row(s) have no test (“none”): neither per-question answers, nor several runs, nor a "
                        "standard error on both sides; they have no CI and no p and count as indistinguishable.",
                  "zh-TW": "{n} 列沒有檢定（“none”）：兩邊都沒有逐題答案、多次執行或標準誤，因此沒有信賴區間與 p 值，"
                           "視為無法區分。"},
    "stats_help_title": {"en": "How is this tested?", "zh-TW": "如何檢定？"},
    "stats_help": {
        "en": "Each Δ is tested on the questions both models answered (paired: the same questions on both "
              "sides, so most of the question-to-question variance cancels).\n"
              "mcnemar-exact — right/wrong answers with one run per side: an exact binomial test on the questions "
              "where exactly one side is right (assumes the questions are independent).\n"
              "paired-t — other scores, or several runs per side (first averaged per question): a t-test on the "
              "per-question differences (assumes independent questions; robust for large n).\n"
              "paired-bootstrap — on request (CLI --test bootstrap): 2,000 seeded resamples of the questions, "
              "percentile CI; no distribution assumed.\n"
              "Without per-question data: welch-runs (Welch's t on the run-level scores of both sides; few runs, "
              "little power), unpaired-z (both sides report a standard error, e.g. lm-eval; it ignores the pairing "
              "and overstates the uncertainty), or none (nothing to test with: no CI, no p).\n"
              "The p-values of a candidate's categories are adjusted together (Holm by default, or "
              "Benjamini–Hochberg): a bar is significant when its adjusted p is below α. MDE is the smallest Δ "
              "the category could detect with 80 % power. The summary's CI treats categories as independent "
              "strata.",
        "zh-TW": "每個 Δ 都在兩個模型都作答的題目上檢定（配對：兩邊是同一批題目，題目之間的大部分變異因此抵銷）。\n"
                 "mcnemar-exact：對錯題且兩邊各一次執行時，對「只有一邊答對」的題目做精確二項檢定（假設題目彼此獨立）。\n"
                 "paired-t：其他分數，或任一邊有多次執行（先逐題平均）時，對逐題差值做 t 檢定（假設題目獨立；n 大時穩健）。\n"
                 "paired-bootstrap：需指定（CLI --test bootstrap）：對題目做 2,000 次固定種子重抽樣，百分位數信賴區間；"
                 "不假設分布。\n"
                 "沒有逐題資料時：welch-runs（以兩邊各次執行的分數做 Welch t 檢定；執行次數少時檢定力低）、"
                 "unpaired-z（兩邊都有標準誤，例如 lm-eval；忽略配對，會高估不確定性），或 none（無從檢定：沒有信賴區間與 p 值）。\n"
                 "同一比較模型各類別的 p 值一起校正（預設 Holm，或 Benjamini–Hochberg）：校正後 p 小於 α 的長條為顯著。"
                 "MDE 是該類別在 80% 檢定力下能偵測到的最小 Δ。摘要的信賴區間把各類別視為獨立分層。",
    },
    "top_none": {"en": "No gains: {candidate} is not better than the baseline in any category.",
                 "zh-TW": "沒有進步：{candidate} 在任何類別都沒有優於基準模型。"},
    "bottom_none": {"en": "No regressions: {candidate} is not worse than the baseline in any category.",
                    "zh-TW": "沒有退步：{candidate} 在任何類別都沒有劣於基準模型。"},
    "tb_candidate": {"en": "Candidate for the top/bottom lists", "zh-TW": "前/後 N 名所列的比較模型"},
    "heatmap_sig_note": {"en": "● marks a significant Δ (adjusted p < {alpha}).",
                         "zh-TW": "● 表示顯著的 Δ（校正後 p < {alpha}）。"},
    "significant_col": {"en": "Significant", "zh-TW": "顯著"},
    "yes": {"en": "yes", "zh-TW": "是"},
    # issue 13: state and small texts
    "msg_one_source": {"en": "Only one source (“{baseline}”) has scores in dataset “{dataset}”. Load another "
                             "result file to compare with it.",
                       "zh-TW": "資料集「{dataset}」中只有一個來源（「{baseline}」）有分數。請再載入一個結果檔案以進行比較。"},
    "threshold_clamped": {"en": "{typed} is outside the range 0–{end}: the threshold is {value}.",
                          "zh-TW": "{typed} 超出範圍 0–{end}：門檻設為 {value}。"},
    # overview at many models
    "legend_title": {"en": "Models · click to highlight (Ctrl/⌘ for several)",
                     "zh-TW": "模型 · 點選以標示（Ctrl/⌘ 可多選）"},
    "legend_search": {"en": "Search models", "zh-TW": "搜尋模型"},
    "page_fit": {"en": "{n} per page (of {chosen} chosen) so each bar stays at least {px} px wide",
                 "zh-TW": "每頁 {n} 個（已選 {chosen} 個），讓每條長條至少 {px} px 寬"},
    "page_fit_dots": {"en": "{n} per page (of {chosen} chosen) so category names do not overlap",
                      "zh-TW": "每頁 {n} 個（已選 {chosen} 個），讓類別名稱不重疊"},
    # questions
    "tab_questions": {"en": "Questions", "zh-TW": "逐題比較"},
    "q_candidate": {"en": "Candidate", "zh-TW": "比較模型"},
    "q_category": {"en": "Category", "zh-TW": "類別"},
    "q_all_categories": {"en": "All categories", "zh-TW": "全部類別"},
    "q_bucket": {"en": "Questions", "zh-TW": "題目"},
    "q_sort": {"en": "Order", "zh-TW": "排序"},
    "q_search": {"en": "Search question, outputs and reasoning", "zh-TW": "搜尋題目、輸出與推理過程"},
    "q_search_hint": {"en": "text, any case (Enter)", "zh-TW": "文字，不分大小寫（按 Enter）"},
    "q_vs": {"en": "Baseline “{baseline}” vs candidate “{candidate}” in dataset “{dataset}”",
             "zh-TW": "資料集「{dataset}」：基準「{baseline}」對比較模型「{candidate}」"},
    "bucket_all": {"en": "All questions", "zh-TW": "全部題目"},
    "bucket_regressed": {"en": "Regressed", "zh-TW": "退步"},
    "bucket_fixed": {"en": "Fixed", "zh-TW": "修正"},
    "bucket_both_wrong": {"en": "Both wrong", "zh-TW": "皆錯"},
    "bucket_both_right": {"en": "Both right", "zh-TW": "皆對"},
    "bucket_flaky": {"en": "Flaky", "zh-TW": "不穩定"},
    "bucket_tied": {"en": "Same score", "zh-TW": "分數相同"},
    "q_sort_category": {"en": "Category, then id", "zh-TW": "類別，再依題號"},
    "q_sort_id": {"en": "Question id", "zh-TW": "題號"},
    "q_sort_d_asc": {"en": "Difference, most regressed first", "zh-TW": "差異，退步最多在前"},
    "q_sort_d_desc": {"en": "Difference, most improved first", "zh-TW": "差異，進步最多在前"},
    "q_matrix_title": {"en": "Baseline × candidate, per question", "zh-TW": "基準 × 比較模型（逐題）"},
    "q_base_right": {"en": "Baseline right", "zh-TW": "基準答對"},
    "q_base_wrong": {"en": "Baseline wrong", "zh-TW": "基準答錯"},
    "q_cand_right": {"en": "Candidate right", "zh-TW": "比較模型答對"},
    "q_cand_wrong": {"en": "Candidate wrong", "zh-TW": "比較模型答錯"},
    "q_matrix_note": {"en": "Regressed ({b}) and fixed ({c}) are the b and c of McNemar's test on these questions.",
                      "zh-TW": "退步（{b}）與修正（{c}）即這些題目 McNemar 檢定的 b 與 c。"},
    "q_matrix_runs": {"en": "With repeated runs a question is right or wrong only when all its runs agree; "
                            "{flaky} question(s) where a model was right in some runs and wrong in others are "
                            "flaky.",
                      "zh-TW": "有重複執行時，只有各次結果一致的題目才算答對或答錯；{flaky} 題有模型時對時錯，"
                               "列為不穩定。"},
    "q_matrix_tied": {"en": "{fixed} question(s) scored higher, {regressed} lower and {tied} the same "
                            "(not right/wrong scores: by the sign of the difference).",
                      "zh-TW": "{fixed} 題分數較高、{regressed} 題較低、{tied} 題相同（非對錯分數：依差異正負）。"},
    "q_id": {"en": "Id", "zh-TW": "題號"},
    "q_bucket_col": {"en": "Bucket", "zh-TW": "分類"},
    "q_diff": {"en": "Difference", "zh-TW": "差異"},
    "q_question": {"en": "Question", "zh-TW": "題目"},
    "q_gold": {"en": "Gold answer", "zh-TW": "標準答案"},
    "q_output": {"en": "Output: {model}", "zh-TW": "輸出：{model}"},
    "q_score_of": {"en": "Score: {model}", "zh-TW": "分數：{model}"},
    "q_range": {"en": "questions {first}–{last} of {total}", "zh-TW": "題目 {first}–{last}，共 {total} 題"},
    "q_no_rows": {"en": "No question matches these filters.", "zh-TW": "沒有符合這些條件的題目。"},
    "q_csv": {"en": "CSV of these questions", "zh-TW": "這些題目的 CSV"},
    "q_no_candidate": {"en": "No candidate to compare: the dataset has no other source than the baseline.",
                       "zh-TW": "沒有可比較的模型：此資料集除基準外沒有其他來源。"},
    "q_missing": {"en": "No per-question answers for {names} in dataset “{dataset}”, so there is no question "
                        "to compare. Load the per-question files of both models next to their results: Twinkle "
                        "`eval_results_<timestamp>_run<N>.jsonl` of every run (beside `results_<timestamp>.json`), "
                        "lm-eval `samples_<task>_<date>.jsonl` (written with --log_samples), an OpenCompass "
                        "station file with `details`, or an Inspect log with its samples.",
                  "zh-TW": "資料集「{dataset}」中 {names} 沒有逐題作答，因此無題可比。請載入兩個模型的逐題檔案"
                           "（與其結果檔放在一起）：Twinkle 每次執行的 `eval_results_<timestamp>_run<N>.jsonl`"
                           "（位於 `results_<timestamp>.json` 旁）、lm-eval 的 `samples_<task>_<date>.jsonl`"
                           "（以 --log_samples 產生）、含 `details` 的 OpenCompass 資料站檔案，或含樣本的 Inspect 紀錄。"},
    "q_no_shared": {"en": "“{baseline}” and “{candidate}” both have per-question answers in dataset “{dataset}”, "
                          "but not to the same questions (ids and categories differ).",
                    "zh-TW": "「{baseline}」與「{candidate}」在資料集「{dataset}」中都有逐題作答，但題目不同"
                             "（題號或類別不一致）。"},
    "q_expand": {"en": "Click a text to expand it.", "zh-TW": "點選文字可展開全文。"},
    # Top/bottom rows link to the Questions tab
    "open_questions": {"en": "Open the questions of this category", "zh-TW": "開啟此類別的逐題比較"},
    # Questions tab: the models' reasoning (chain of thought kept apart from the output), when the files have it
    "q_reasoning": {"en": "Reasoning: {model}", "zh-TW": "推理過程：{model}"},
}


def t(key: str, lang: str = "en", texts: dict[str, dict[str, str]] | None = None, **fmt: object) -> str:
    """The text of `key` in `lang` (English when missing), formatted with `fmt`; `texts` is another table of
    the same shape (the station tab keeps its own, as it is optional)."""
    entry = (TEXTS if texts is None else texts).get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**fmt) if fmt else text
