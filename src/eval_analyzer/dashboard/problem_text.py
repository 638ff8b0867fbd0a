"""Reader problems in Traditional Chinese (issue 3: every message in both languages).

`core` writes each problem in plain English (the CLI prints it as is) and knows nothing of languages. Here every
message `core` can write is a template: the English text with `{placeholders}` where file content goes (names,
numbers, error texts), and its Traditional Chinese. A message is translated by matching it against the English
templates and re-inserting what the placeholders matched, unchanged; a message without a template stays in
English. `tests/dashboard/test_problem_text.py` reads every message out of `core`'s source and fails when one
has no template here, so a new message cannot be forgotten.
"""

from __future__ import annotations

import re
from functools import cache

#: English template → Traditional Chinese. Placeholder names only need to match within one entry.
ZH_TW = {
    # decoding
    "the bytes are not valid text in any supported encoding (tried {encodings}).":
        "內容不是任何支援編碼的有效文字（已嘗試 {encodings}）。",
    "Save the file as UTF-8 (for example with 'Save as… UTF-8' in your editor) and upload it again.":
        "請將檔案另存為 UTF-8（例如在編輯器中選「另存為… UTF-8」）後重新上傳。",
    # loader
    "is JSON but not a results file of a known format (Twinkle Eval, OpenCompass, lm-evaluation-harness).":
        "是 JSON，但不是已知格式的結果檔（Twinkle Eval、OpenCompass、lm-evaluation-harness）。",
    "Upload a Twinkle results_*.json, an OpenCompass station file or summary_*.csv, or an lm-eval results_*.json.":
        "請上傳 Twinkle 的 results_*.json、OpenCompass 的 station 檔或 summary_*.csv，或 lm-eval 的 results_*.json。",
    "is {size} MB, over the {limit} MB limit per file.": "大小為 {size} MB，超過每檔 {limit} MB 的上限。",
    "Split it, or raise the limit (--max-file-mb).": "請分割檔案，或提高上限（--max-file-mb）。",
    "is empty.": "是空檔案。",
    "Upload the results file itself.": "請上傳結果檔本身。",
    "is not valid JSON, JSON Lines or an OpenCompass summary CSV.":
        "不是有效的 JSON、JSON Lines 或 OpenCompass summary CSV。",
    "Upload a results_*.json, a .jsonl of results, a summary_*.csv or a .zip of them.":
        "請上傳 results_*.json、結果的 .jsonl、summary_*.csv，或它們的 .zip。",
    "is not valid JSON; the line was skipped.": "不是有效的 JSON；已略過這一行。",
    "Fix or remove this line; the other records were loaded.": "請修正或刪除這一行；其他記錄已載入。",
    "holds no records.": "沒有任何記錄。",
    "Upload a file with at least one results record.": "請上傳至少含一筆結果記錄的檔案。",
    "holds {count} files, more than {limit}.": "含有 {count} 個檔案，超過上限 {limit}。",
    "Zip only the results files.": "請只壓縮結果檔。",
    "holds no .json, .jsonl or .csv files.": "沒有任何 .json、.jsonl 或 .csv 檔案。",
    "Zip the results folder itself.": "請直接壓縮結果資料夾。",
    "the JSON is nested too deeply to be a results file.": "JSON 巢狀層數過深，不可能是結果檔。",
    "Check that this is the right file.": "請確認這是正確的檔案。",
    "could not be read ({kind}: {error}).": "無法讀取（{kind}: {error}）。",
    "could not be read ({error}).": "無法讀取（{error}）。",
    "Check that this is an unmodified results file; if it is, please report this file.":
        "請確認這是未經修改的結果檔；若是，請回報這個檔案。",
    "is not a readable zip archive ({error}).": "不是可讀取的 zip 壓縮檔（{error}）。",
    "Re-create the zip.": "請重新建立 zip。",
    "is over the size limit once unpacked; it was skipped.": "解壓縮後超過大小上限；已略過。",
    "Split the archive, or raise the limit.": "請分割壓縮檔，或提高上限。",
    "was not read: together the files exceed the {limit} MB total limit.":
        "未讀取：所有檔案合計超過 {limit} MB 的總上限。",
    "Load fewer files at once, or raise the limit (--max-total-mb).": "請一次載入較少檔案，或提高上限（--max-total-mb）。",
    "could not be unpacked ({error}).": "無法解壓縮（{error}）。",
    "does not exist.": "不存在。",
    "Check the path.": "請檢查路徑。",
    "is {size} MB, over the per-file limit.": "大小為 {size} MB，超過每檔上限。",
    "Raise the limit (--max-file-mb) or split the file.": "請提高上限（--max-file-mb）或分割檔案。",
    "Check the file's permissions.": "請檢查檔案權限。",
    # lm-evaluation-harness
    "looks like an lm-evaluation-harness file but 'results' is not an object; the file was skipped.":
        "看起來是 lm-evaluation-harness 檔案，但 'results' 不是物件；已略過此檔。",
    "Upload the results_*.json as lm-eval wrote it.": "請上傳 lm-eval 原樣寫出的 results_*.json。",
    "names no model (no model_name, no pretrained= in config.model_args); it is shown as '<unknown>'.":
        "沒有模型名稱（沒有 model_name，config.model_args 中也沒有 pretrained=）；以 '<unknown>' 顯示。",
    "Use the results file as lm-eval wrote it, or add a model_name field.":
        "請使用 lm-eval 原樣寫出的結果檔，或加上 model_name 欄位。",
    "an lm-evaluation-harness results file with no numeric score in 'results'; the file was skipped.":
        "lm-evaluation-harness 結果檔的 'results' 中沒有數值分數；已略過此檔。",
    "Check that the run finished; upload its results_*.json.": "請確認評測已完成，並上傳它的 results_*.json。",
    # OpenCompass summary CSV
    "is an empty summary CSV.": "是空的 summary CSV。",
    "Upload the summary_*.csv of a finished run.": "請上傳已完成評測的 summary_*.csv。",
    "an OpenCompass summary CSV with no usable scores.{detail}": "OpenCompass summary CSV 中沒有可用的分數。{detail}",
    "Upload the summary_*.csv of a finished run, exactly as OpenCompass wrote it.":
        "請上傳已完成評測、OpenCompass 原樣寫出的 summary_*.csv。",
    "has {count} columns where the header has {width}; the row was skipped.":
        "有 {count} 欄，但標題列有 {width} 欄；已略過這一列。",
    "Re-export the summary from OpenCompass, or fix the quoting of this row.":
        "請從 OpenCompass 重新匯出 summary，或修正這一列的引號。",
    "has no dataset name; the row was skipped.": "沒有資料集名稱；已略過這一列。",
    "a second '{abbr}' row with metric '{metric}' was skipped.": "已略過第二個指標為 '{metric}' 的 '{abbr}' 列。",
    "Remove the repeated row.": "請刪除重複的列。",
    "{count} value(s) of '{model}' are '-' (not evaluated) and were skipped.":
        "'{model}' 有 {count} 個值為 '-'（未評測），已略過。",
    "is not a readable CSV ({error}).": "不是可讀取的 CSV（{error}）。",
    "Upload the summary_*.csv exactly as OpenCompass wrote it.": "請上傳 OpenCompass 原樣寫出的 summary_*.csv。",
    "{count} more malformed line(s) were skipped.": "另有 {count} 行格式錯誤，已略過。",
    "Check the file in a text editor.": "請用文字編輯器檢查檔案。",
    "the column '{model}' has no values; it was skipped.": "欄位 '{model}' 沒有任何值；已略過。",
    "'{cell}' is not a number; the value was skipped.": "'{cell}' 不是數字；已略過此值。",
    "Fix or replace it with '-'.": "請修正，或改為 '-'。",
    # OpenCompass station files
    "OpenCompass recorded an evaluation error instead of a score ({error}); the file was skipped.":
        "OpenCompass 記錄的是評測錯誤而非分數（{error}）；已略過此檔。",
    "Fix the cause shown in the error, re-run the evaluation of this dataset, and upload the new file.":
        "請修正錯誤訊息所示的原因，重新評測這個資料集，再上傳新檔案。",
    "cfg.models has no abbr or path; the model is named '{model}' after the file.":
        "cfg.models 沒有 abbr 或 path；模型依檔名命名為 '{model}'。",
    "Upload the station file as OpenCompass wrote it.": "請上傳 OpenCompass 原樣寫出的 station 檔。",
    "cfg.datasets has no abbr; the dataset is named '{dataset}' after the folder.":
        "cfg.datasets 沒有 abbr；資料集依資料夾命名為 '{dataset}'。",
    "an OpenCompass station file with no numeric score in 'results'; the file was skipped.":
        "OpenCompass station 檔的 'results' 中沒有數值分數；已略過此檔。",
    "Check that the evaluation of this dataset finished; re-run it if 'results' is empty.":
        "請確認這個資料集的評測已完成；若 'results' 是空的，請重新評測。",
    # Twinkle Eval
    "this is a per-question eval_results_*.jsonl file (one answer per line), not a results file.":
        "這是逐題的 eval_results_*.jsonl 檔（每行一個作答），不是結果檔。",
    "Upload the results_*.json file from the same Twinkle Eval run instead.":
        "請改為上傳同一次 Twinkle Eval 評測的 results_*.json。",
    "looks like a Twinkle Eval results file but is missing the required field(s): {fields}.":
        "看起來是 Twinkle Eval 結果檔，但缺少必要欄位：{fields}。",
    "Upload the unmodified results_*.json written by Twinkle Eval.": "請上傳 Twinkle Eval 寫出、未經修改的 results_*.json。",
    "missing field(s) {fields}; loaded with model '{model}' and timestamp '{timestamp}'.":
        "缺少欄位 {fields}；以模型 '{model}' 與時間戳記 '{timestamp}' 載入。",
    "Use the unmodified results_*.json written by Twinkle Eval to get the real names.":
        "請使用 Twinkle Eval 寫出、未經修改的 results_*.json 以取得真正的名稱。",
    "a Twinkle Eval results file with no usable scores.": "Twinkle Eval 結果檔中沒有可用的分數。",
    "Check that dataset_results holds items with a numeric accuracy_mean.":
        "請確認 dataset_results 中的項目含有數值的 accuracy_mean。",
    "has no list of results; the dataset was skipped.": "沒有 results 清單；已略過這個資料集。",
    "Each dataset_results entry needs a 'results' list.": "每個 dataset_results 項目都需要 'results' 清單。",
    "an item without a 'file' name was skipped.": "已略過一個沒有 'file' 名稱的項目。",
    "Give every item its file path.": "請為每個項目填上檔案路徑。",
    "has no accuracy_mean; its 'accuracy' value was used instead.": "沒有 accuracy_mean；改用其 'accuracy' 值。",
    "accuracy_mean is missing, empty or not a finite number; the item was skipped.":
        "accuracy_mean 缺少、為空或不是有限數值；已略過此項目。",
    "Re-run the evaluation for this file or fix the value.": "請重新評測這個檔案，或修正此值。",
    "a second item for '{category}' was skipped.": "已略過 '{category}' 的第二個項目。",
    "Remove the repeated item.": "請刪除重複的項目。",
    # the score table
    "is identical to {other}; it was loaded once.": "與 {other} 完全相同；只載入一次。",
    "has the same label as an already loaded source ('{label}'); it is shown as '{new_label}'.":
        "與已載入的來源標籤相同（'{label}'）；改以 '{new_label}' 顯示。",
}

#: Words of a problem's location (`where`), outside quoted names: "line 3, dataset 'mmlu', item 4 (x.csv)".
_WHERE_WORDS = ((re.compile(r"\bline (\d+)"), r"第 \1 行"), (re.compile(r"\bitem (\d+)"), r"第 \1 項"),
                (re.compile(r"\bdataset\b"), "資料集"), (re.compile(r"\bcolumn\b"), "欄"))
_QUOTED = re.compile(r"('[^']*')")
_PLACEHOLDER = re.compile(r"{(\w+)}")


@cache
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    compiled = []
    for english, chinese in ZH_TW.items():
        parts = _PLACEHOLDER.split(english)  # literal, name, literal, name, …, literal
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts))
        compiled.append((re.compile(regex, re.DOTALL), chinese))
    return tuple(compiled)


def translate(text: str, lang: str) -> str:
    """`text` (a problem's `what` or `fix`) in `lang`; unchanged for English or when no template matches."""
    if lang != "zh-TW" or not text:
        return text
    for pattern, chinese in _patterns():
        match = pattern.fullmatch(text)
        if match:
            return chinese.format_map(match.groupdict())
    return text


def translate_where(where: str, lang: str) -> str:
    """A problem's location in `lang`: its words translated, quoted names left exactly as they are."""
    if lang != "zh-TW" or not where:
        return where
    pieces = _QUOTED.split(where)
    for i in range(0, len(pieces), 2):  # even pieces are outside quotes
        for pattern, replacement in _WHERE_WORDS:
            pieces[i] = pattern.sub(replacement, pieces[i])
    return "".join(pieces)
