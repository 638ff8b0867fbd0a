"""Every problem text, keyed by the problem's code, in English and Traditional Chinese.

A `Problem` stores a code and parameters (file content: names, numbers, error texts); its texts are made here,
with the parameters inserted unchanged. Codes are stable: tests, the JSON a tool may read and the translations
key on them. Add a code in both catalogs (a test fails on a code missing from either, or on placeholders that
differ). Each entry is (what happened, what to do); the fix may be empty.
"""

from __future__ import annotations

import re
import string
from typing import Any

EN: dict[str, tuple[str, str]] = {
    # reading bytes
    "decode.failed": ("the bytes are not valid text in any supported encoding (tried {encodings}).",
                      "Save the file as UTF-8 (for example with 'Save as… UTF-8' in your editor) and upload it again."),
    "file.too_big": ("is {size} MB, over the {limit} MB limit per file.",
                     "Split it, or raise the limit (--max-file-mb)."),
    "file.empty": ("is empty.", "Upload the results file itself."),
    "file.nested_too_deep": ("the JSON is nested too deeply to be a results file.", "Check that this is the right file."),
    "file.crashed": ("could not be read ({kind}: {error}).",
                     "Check that this is an unmodified results file; if it is, please report this file."),
    "file.unreadable": ("could not be read ({error}).", "Check the file's permissions."),
    "file.missing": ("does not exist.", "Check the path."),
    "load.total_limit": ("was not read: together the files exceed the {limit} MB total limit.",
                         "Load fewer files at once, or raise the limit (--max-total-mb)."),
    # what a file is
    "json.unknown_format": ("is JSON but not a results file of a known format ({formats}).",
                            "Upload a Twinkle results_*.json, an OpenCompass station file or summary_*.csv, an "
                            "lm-eval results_*.json or an Inspect log."),
    "text.unknown_format": ("is not valid JSON, JSON Lines, an OpenCompass summary CSV or an lm-eval results table.",
                            "Upload a results_*.json, a .jsonl of results, a summary_*.csv or a .zip of them."),
    "text.no_results_table": ("is a text file without an lm-evaluation-harness results table (a "
                              "'|Tasks|Version|…|Metric|…|Value|' header above a '|---|' line).",
                              "Paste the table lm-eval printed into the file, or upload the run's results_*.json."),
    "csv.not_summary": ("is a CSV but not an OpenCompass summary: its header is '{header}', not "
                        "'dataset,version,metric,mode,<model>…'.",
                        "Upload the summary_*.csv that OpenCompass wrote, or a results file of a known format."),
    "jsonl.bad_line": ("is not valid JSON; the line was skipped.",
                       "Fix or remove this line; the other records were loaded."),
    "jsonl.bad_lines": ("{count} lines are not valid JSON (lines {lines}); they were skipped.",
                        "Fix or remove those lines; the other records were loaded."),
    "jsonl.trailing_comma": ("{count} line(s) end with a comma (lines {lines}); the comma was ignored.", ""),
    "jsonl.no_records": ("holds no records.", "Upload a file with at least one results record."),
    # archives
    "zip.too_many_members": ("holds {count} files, more than {limit}.", "Zip only the results files."),
    "zip.no_results": ("holds no results: no .json, .jsonl, .csv or .eval files, and no lm-eval table in its "
                       ".md/.txt files.", "Zip the results folder itself."),
    "zip.unreadable": ("is not a readable zip archive ({error}).", "Re-create the zip."),
    "zip.member_too_big": ("is over the size limit once unpacked; it was skipped.",
                           "Split the archive, or raise the limit."),
    "zip.member_unreadable": ("could not be unpacked ({error}).", "Re-create the zip."),
    # across files
    "source.duplicate": ("is identical to {other}; it was loaded once.", ""),
    "source.renamed": ("has the same label as an already loaded source ('{label}'); it is shown as '{new_label}'.", ""),
    # lm-evaluation-harness results
    "lmeval.results_not_object": ("looks like an lm-evaluation-harness file but 'results' is not an object; the "
                                  "file was skipped.", "Upload the results_*.json as lm-eval wrote it."),
    "lmeval.no_model": ("names no model (no model_name, no pretrained= in config.model_args); it is shown as "
                        "'<unknown>'.", "Use the results file as lm-eval wrote it, or add a model_name field."),
    "lmeval.no_scores": ("an lm-evaluation-harness results file with no numeric score in 'results'; the file was "
                         "skipped.", "Check that the run finished; upload its results_*.json."),
    "lmeval.value_skipped": ("'{metric}' is {kind}, not a finite number; the value was skipped.",
                             "Re-run this task if the score should exist (an infinite perplexity means the model "
                             "diverged)."),
    "lmeval.task_skipped": ("has no finite score; the task was left out of the table.",
                            "Re-run this task, or check its results in the file."),
    # lm-evaluation-harness printed table (.md / .txt)
    "lmeval_table.row_width": ("has {count} cells where the table's header has {width}; the row was skipped.",
                               "Check the row for a missing or extra '|'."),
    "lmeval_table.no_task": ("the table's first row has no task name; the row was skipped.",
                             "Put the task's name in the first column of its first row, as lm-eval prints it."),
    "lmeval_table.no_metric": ("a row of '{task}' has no metric name; the row was skipped.",
                               "Fill in the Metric column."),
    "lmeval_table.not_a_number": ("the value '{cell}' of '{task}' ({metric}) is not a number; the row was skipped.",
                                  "Fix the Value cell, or paste the table as lm-eval printed it."),
    "lmeval_table.repeated_metric": ("a second '{metric}' row of '{task}' was skipped.", "Remove the repeated row."),
    "lmeval_table.repeated_task": ("a second '{task}' in '{dataset}' was skipped.",
                                   "Remove the repeated task, or give the two tasks different aliases."),
    "lmeval_table.no_rows": ("an lm-evaluation-harness table with no usable rows; nothing was loaded from it."
                             "{detail}", "Paste the whole table lm-eval printed, with a number in every Value cell."),
    "lmeval_table.only_groups": ("holds only lm-eval's Groups table (group averages) and no Tasks table; the groups "
                                 "were not loaded.{detail}",
                                 "Paste the Tasks table lm-eval printed above the Groups table as well."),
    "lmeval_table.more_lines": ("{count} more malformed row(s) were skipped.", "Check the table in a text editor."),
    "lmeval_table.model_from_name": ("no 'hf (pretrained=…), …' line above the table names the model; it is shown "
                                     "as '{model}' after the file name.",
                                     "Keep the line lm-eval prints above the table, or rename the file after the "
                                     "model."),
    # OpenCompass summary CSV
    "oc_summary.empty": ("is an empty summary CSV.", "Upload the summary_*.csv of a finished run."),
    "oc_summary.no_scores": ("an OpenCompass summary CSV with no usable scores.{detail}",
                             "Upload the summary_*.csv of a finished run, exactly as OpenCompass wrote it."),
    "oc_summary.bad_csv": ("is not a readable CSV ({error}).",
                           "Upload the summary_*.csv exactly as OpenCompass wrote it."),
    "oc_summary.row_width": ("has {count} columns where the header has {width}; the row was skipped.",
                             "Re-export the summary from OpenCompass, or fix the quoting of this row."),
    "oc_summary.no_dataset": ("has no dataset name; the row was skipped.", ""),
    "oc_summary.repeated_row": ("a second '{abbr}' row with metric '{metric}' was skipped.", "Remove the repeated row."),
    "oc_summary.not_evaluated": ("{count} value(s) of '{model}' are '-' (not evaluated) and were skipped.", ""),
    "oc_summary.more_lines": ("{count} more malformed line(s) were skipped.", "Check the file in a text editor."),
    "oc_summary.empty_column": ("the column '{model}' has no values; it was skipped.", ""),
    "oc_summary.not_a_number": ("'{cell}' is not a number; the value was skipped.", "Fix or replace it with '-'."),
    # OpenCompass station files
    "oc_station.error": ("OpenCompass recorded an evaluation error instead of a score ({error}); the file was "
                         "skipped.", "Fix the cause shown in the error, re-run the evaluation of this dataset, and "
                         "upload the new file."),
    "oc_station.no_model": ("cfg.models has no abbr or path; the model is named '{model}' after the file.",
                            "Upload the station file as OpenCompass wrote it."),
    "oc_station.no_dataset": ("cfg.datasets has no abbr; the dataset is named '{dataset}' after the folder.",
                              "Upload the station file as OpenCompass wrote it."),
    "oc_station.no_scores": ("an OpenCompass station file with no numeric score in 'results'; the file was "
                             "skipped.", "Check that the evaluation of this dataset finished; re-run it if "
                             "'results' is empty."),
    "oc_predictions.not_scores": ("is an OpenCompass prediction file (the model's {count} answers, before they "
                                  "were scored), not a results file.",
                                  "Upload the run's summary/summary_*.csv instead: it holds the scores of every "
                                  "model and dataset of the run."),
    # Twinkle Eval
    "twinkle.missing_required": ("looks like a Twinkle Eval results file but is missing the required field(s): "
                                 "{fields}.", "Upload the unmodified results_*.json written by Twinkle Eval."),
    "twinkle.missing_fields": ("missing field(s) {fields}; loaded with model '{model}' and timestamp '{timestamp}'.",
                               "Use the unmodified results_*.json written by Twinkle Eval to get the real names."),
    "twinkle.no_scores": ("a Twinkle Eval results file with no usable scores.",
                          "Check that dataset_results holds items with a numeric accuracy_mean."),
    "twinkle.no_results_list": ("has no list of results; the dataset was skipped.",
                                "Each dataset_results entry needs a 'results' list."),
    "twinkle.item_not_object": ("is {kind}, not an object; it was skipped.",
                                "Each item of 'results' must be an object with 'file' and 'accuracy_mean'."),
    "twinkle.item_without_file": ("an item without a 'file' name was skipped.", "Give every item its file path."),
    "twinkle.accuracy_fallback": ("has no accuracy_mean; its 'accuracy' value was used instead.", ""),
    "twinkle.no_accuracy": ("accuracy_mean is {kind}, not a finite number; the item was skipped.",
                            "Re-run the evaluation for this file or fix the value."),
    "twinkle.repeated_item": ("a second item for '{category}' was skipped.", "Remove the repeated item."),
    # Inspect AI eval logs
    "inspect.no_scores": ("an Inspect log with no scores in 'results' (status '{status}'); the file was skipped.",
                          "Upload the log of a finished run; an interrupted one can be finished with "
                          "'inspect eval-retry <log>'."),
    "inspect.not_finished": ("the run did not finish (status '{status}'{error}); its scores are the ones Inspect "
                             "recorded before it stopped.",
                             "For complete scores, finish the run with 'inspect eval-retry <log>' and upload the "
                             "new log."),
    "inspect.bad_samples": ("{count} sample(s) are not objects; they were left out of the per-question data.",
                            "Upload the log as Inspect wrote it."),
    "inspect.zstd": ("is an Inspect .eval log compressed with zstd, which cannot be unpacked here.",
                     "Convert it with 'inspect log convert {name} --to json --output-dir <dir>' and upload the .json "
                     "(or install the Python package 'zstandard' where the analyzer runs)."),
    "inspect.bad_header": ("is an Inspect .eval log whose {member} cannot be read ({error}); the file was skipped.",
                           "Upload the .eval log as Inspect wrote it, or convert it with 'inspect log convert "
                           "<log> --to json --output-dir <dir>'."),
    "inspect.samples_unreadable": ("{count} entries of the .eval log could not be read (first: {first}); they were "
                                   "left out.", "Upload the .eval log as Inspect wrote it."),
    # per-question logs
    "samples.skipped_records": ("{count} record(s) have no usable id or score; they were skipped.",
                                "Check that the file is the unmodified log the evaluation wrote."),
    "samples.scores_computed": ("its results file ({results}) is not loaded, so this source's scores were "
                                "computed from the per-question data.",
                                "Load {results} from the same run to see the scores the evaluation reported."),
    "twinkle_samples.no_records": ("is a Twinkle Eval per-question file without any record that has a question_id "
                                   "and an is_correct flag.", "Upload the eval_results_*.jsonl as Twinkle Eval "
                                   "wrote it."),
    "twinkle_samples.no_fit": ("its {count} per-question records (run {run}) could not be matched to the {files} "
                               "dataset files of {results}: no split into one block per file (question_id "
                               "from 0, in the results' order) gives every file the accuracy {results} reports "
                               "for that run. The records were not attached; the scores of {results} are shown.",
                               "Load the eval_results file of the same run as {results}, unmodified (not merged "
                               "or re-sorted), or a version of Twinkle Eval that writes each record's 'file'."),
    "twinkle_samples.ambiguous": ("its {count} per-question records (run {run}) fit the {files} dataset files of "
                                  "{results} in more than one way (files with the same number of questions and "
                                  "the same accuracy); the records were not attached, the scores of {results} "
                                  "are shown.", "Use a version of Twinkle Eval that writes each record's 'file'."),
    "twinkle_samples.unknown_files": ("{count} record(s) name dataset files that {results} does not list ({files}); "
                                      "they were skipped.", "Load the results file of the same run."),
    "twinkle_samples.unplaced": ("its records name no dataset file and {results} is not loaded, so they are shown "
                                 "as one category 'all' of dataset 'eval_results' (not paired across runs).",
                                 "Load {results} from the same run to see each file's questions."),
    "lmeval_samples.no_records": ("is an lm-evaluation-harness per-sample file without any record that has a "
                                  "doc_id and a numeric metric.", "Upload the samples_*.jsonl as lm-eval wrote it."),
    "lmeval_samples.task_not_in_results": ("task '{task}' is not in {results}; its scores were computed from the "
                                           "per-sample data.", "Load the results file of the same run."),
    # the static page's src= links (dashboard)
    "src.failed": ("could not be fetched ({error}).",
                   "Check the address and that the server allows cross-origin requests (CORS)."),
    "src.ignored": ("src= is ignored on a server: it only loads files in the static page.", ""),
}

ZH_TW: dict[str, tuple[str, str]] = {
    "decode.failed": ("內容不是任何支援編碼的有效文字（已嘗試 {encodings}）。",
                      "請將檔案另存為 UTF-8（例如在編輯器中選「另存為… UTF-8」）後重新上傳。"),
    "file.too_big": ("大小為 {size} MB，超過每檔 {limit} MB 的上限。", "請分割檔案，或提高上限（--max-file-mb）。"),
    "file.empty": ("是空檔案。", "請上傳結果檔本身。"),
    "file.nested_too_deep": ("JSON 巢狀層數過深，不可能是結果檔。", "請確認這是正確的檔案。"),
    "file.crashed": ("無法讀取（{kind}: {error}）。", "請確認這是未經修改的結果檔；若是，請回報這個檔案。"),
    "file.unreadable": ("無法讀取（{error}）。", "請檢查檔案權限。"),
    "file.missing": ("不存在。", "請檢查路徑。"),
    "load.total_limit": ("未讀取：所有檔案合計超過 {limit} MB 的總上限。",
                         "請一次載入較少檔案，或提高上限（--max-total-mb）。"),
    "json.unknown_format": ("是 JSON，但不是已知格式的結果檔（{formats}）。",
                            "請上傳 Twinkle 的 results_*.json、OpenCompass 的 station 檔或 summary_*.csv、lm-eval 的 "
                            "results_*.json，或 Inspect 記錄檔。"),
    "text.unknown_format": ("不是有效的 JSON、JSON Lines、OpenCompass summary CSV 或 lm-eval 結果表格。",
                            "請上傳 results_*.json、結果的 .jsonl、summary_*.csv，或它們的 .zip。"),
    "text.no_results_table": ("是文字檔，但沒有 lm-evaluation-harness 結果表格（'|Tasks|Version|…|Metric|…|Value|' "
                              "標題列，下一行為 '|---|'）。",
                              "請把 lm-eval 印出的表格貼進檔案，或上傳該次評測的 results_*.json。"),
    "csv.not_summary": ("是 CSV，但不是 OpenCompass summary：標題列是 '{header}'，而不是 "
                        "'dataset,version,metric,mode,<model>…'。",
                        "請上傳 OpenCompass 寫出的 summary_*.csv，或已知格式的結果檔。"),
    "jsonl.bad_line": ("不是有效的 JSON；已略過這一行。", "請修正或刪除這一行；其他記錄已載入。"),
    "jsonl.bad_lines": ("有 {count} 行不是有效的 JSON（第 {lines} 行）；已略過。", "請修正或刪除這些行；其他記錄已載入。"),
    "jsonl.trailing_comma": ("有 {count} 行以逗號結尾（第 {lines} 行）；已忽略該逗號。", ""),
    "jsonl.no_records": ("沒有任何記錄。", "請上傳至少含一筆結果記錄的檔案。"),
    "zip.too_many_members": ("含有 {count} 個檔案，超過上限 {limit}。", "請只壓縮結果檔。"),
    "zip.no_results": ("沒有任何結果：沒有 .json、.jsonl、.csv 或 .eval 檔案，其 .md/.txt 檔中也沒有 lm-eval 表格。",
                       "請直接壓縮結果資料夾。"),
    "zip.unreadable": ("不是可讀取的 zip 壓縮檔（{error}）。", "請重新建立 zip。"),
    "zip.member_too_big": ("解壓縮後超過大小上限；已略過。", "請分割壓縮檔，或提高上限。"),
    "zip.member_unreadable": ("無法解壓縮（{error}）。", "請重新建立 zip。"),
    "source.duplicate": ("與 {other} 完全相同；只載入一次。", ""),
    "source.renamed": ("與已載入的來源標籤相同（'{label}'）；改以 '{new_label}' 顯示。", ""),
    "lmeval.results_not_object": ("看起來是 lm-evaluation-harness 檔案，但 'results' 不是物件；已略過此檔。",
                                  "請上傳 lm-eval 原樣寫出的 results_*.json。"),
    "lmeval.no_model": ("沒有模型名稱（沒有 model_name，config.model_args 中也沒有 pretrained=）；以 '<unknown>' 顯示。",
                        "請使用 lm-eval 原樣寫出的結果檔，或加上 model_name 欄位。"),
    "lmeval.no_scores": ("lm-evaluation-harness 結果檔的 'results' 中沒有數值分數；已略過此檔。",
                         "請確認評測已完成，並上傳它的 results_*.json。"),
    "lmeval.value_skipped": ("'{metric}' 是{kind}，不是有限數值；已略過此值。",
                             "若這個分數應該存在，請重新評測此任務（困惑度為無限大表示模型發散）。"),
    "lmeval.task_skipped": ("沒有任何有限數值的分數；此任務未列入表格。", "請重新評測此任務，或檢查檔案中它的結果。"),
    "lmeval_table.row_width": ("有 {count} 格，但表格標題列有 {width} 格；已略過這一列。", "請檢查這一列是否少了或多了 '|'。"),
    "lmeval_table.no_task": ("表格第一列沒有任務名稱；已略過這一列。", "請依 lm-eval 印出的樣子，在任務第一列的第一欄填上名稱。"),
    "lmeval_table.no_metric": ("'{task}' 的一列沒有指標名稱；已略過這一列。", "請填寫 Metric 欄。"),
    "lmeval_table.not_a_number": ("'{task}'（{metric}）的值 '{cell}' 不是數字；已略過這一列。",
                                  "請修正 Value 格，或貼上 lm-eval 原樣印出的表格。"),
    "lmeval_table.repeated_metric": ("已略過 '{task}' 第二個 '{metric}' 列。", "請刪除重複的列。"),
    "lmeval_table.repeated_task": ("已略過 '{dataset}' 中第二個 '{task}'。", "請刪除重複的任務，或給兩個任務不同的別名。"),
    "lmeval_table.no_rows": ("lm-evaluation-harness 表格中沒有可用的列；未從中載入任何資料。{detail}",
                             "請貼上 lm-eval 印出的完整表格，每個 Value 格都要有數字。"),
    "lmeval_table.only_groups": ("只有 lm-eval 的 Groups 表格（群組平均），沒有 Tasks 表格；未載入這些群組。{detail}",
                                 "請一併貼上 lm-eval 在 Groups 表格上方印出的 Tasks 表格。"),
    "lmeval_table.more_lines": ("另有 {count} 列格式錯誤，已略過。", "請用文字編輯器檢查表格。"),
    "lmeval_table.model_from_name": ("表格上方沒有標明模型的 'hf (pretrained=…), …' 行；依檔名以 '{model}' 顯示。",
                                     "請保留 lm-eval 印在表格上方的那一行，或以模型名稱為檔案命名。"),
    "oc_summary.empty": ("是空的 summary CSV。", "請上傳已完成評測的 summary_*.csv。"),
    "oc_summary.no_scores": ("OpenCompass summary CSV 中沒有可用的分數。{detail}",
                             "請上傳已完成評測、OpenCompass 原樣寫出的 summary_*.csv。"),
    "oc_summary.bad_csv": ("不是可讀取的 CSV（{error}）。", "請上傳 OpenCompass 原樣寫出的 summary_*.csv。"),
    "oc_summary.row_width": ("有 {count} 欄，但標題列有 {width} 欄；已略過這一列。",
                             "請從 OpenCompass 重新匯出 summary，或修正這一列的引號。"),
    "oc_summary.no_dataset": ("沒有資料集名稱；已略過這一列。", ""),
    "oc_summary.repeated_row": ("已略過第二個指標為 '{metric}' 的 '{abbr}' 列。", "請刪除重複的列。"),
    "oc_summary.not_evaluated": ("'{model}' 有 {count} 個值為 '-'（未評測），已略過。", ""),
    "oc_summary.more_lines": ("另有 {count} 行格式錯誤，已略過。", "請用文字編輯器檢查檔案。"),
    "oc_summary.empty_column": ("欄位 '{model}' 沒有任何值；已略過。", ""),
    "oc_summary.not_a_number": ("'{cell}' 不是數字；已略過此值。", "請修正，或改為 '-'。"),
    "oc_station.error": ("OpenCompass 記錄的是評測錯誤而非分數（{error}）；已略過此檔。",
                         "請修正錯誤訊息所示的原因，重新評測這個資料集，再上傳新檔案。"),
    "oc_station.no_model": ("cfg.models 沒有 abbr 或 path；模型依檔名命名為 '{model}'。",
                            "請上傳 OpenCompass 原樣寫出的 station 檔。"),
    "oc_station.no_dataset": ("cfg.datasets 沒有 abbr；資料集依資料夾命名為 '{dataset}'。",
                              "請上傳 OpenCompass 原樣寫出的 station 檔。"),
    "oc_station.no_scores": ("OpenCompass station 檔的 'results' 中沒有數值分數；已略過此檔。",
                             "請確認這個資料集的評測已完成；若 'results' 是空的，請重新評測。"),
    "oc_predictions.not_scores": ("是 OpenCompass 的預測檔（模型的 {count} 個作答，尚未評分），不是結果檔。",
                                  "請改為上傳該次評測的 summary/summary_*.csv：其中有每個模型與資料集的分數。"),
    "twinkle.missing_required": ("看起來是 Twinkle Eval 結果檔，但缺少必要欄位：{fields}。",
                                 "請上傳 Twinkle Eval 寫出、未經修改的 results_*.json。"),
    "twinkle.missing_fields": ("缺少欄位 {fields}；以模型 '{model}' 與時間戳記 '{timestamp}' 載入。",
                               "請使用 Twinkle Eval 寫出、未經修改的 results_*.json 以取得真正的名稱。"),
    "twinkle.no_scores": ("Twinkle Eval 結果檔中沒有可用的分數。", "請確認 dataset_results 中的項目含有數值的 accuracy_mean。"),
    "twinkle.no_results_list": ("沒有 results 清單；已略過這個資料集。", "每個 dataset_results 項目都需要 'results' 清單。"),
    "twinkle.item_not_object": ("是{kind}，不是物件；已略過。", "'results' 的每個項目都必須是含 'file' 與 'accuracy_mean' 的物件。"),
    "twinkle.item_without_file": ("已略過一個沒有 'file' 名稱的項目。", "請為每個項目填上檔案路徑。"),
    "twinkle.accuracy_fallback": ("沒有 accuracy_mean；改用其 'accuracy' 值。", ""),
    "twinkle.no_accuracy": ("accuracy_mean 是{kind}，不是有限數值；已略過此項目。", "請重新評測這個檔案，或修正此值。"),
    "twinkle.repeated_item": ("已略過 '{category}' 的第二個項目。", "請刪除重複的項目。"),
    "inspect.no_scores": ("Inspect 記錄檔的 'results' 中沒有分數（狀態 '{status}'）；已略過此檔。",
                          "請上傳已完成執行的記錄檔；中斷的執行可用 'inspect eval-retry <log>' 完成。"),
    "inspect.not_finished": ("這次執行沒有完成（狀態 '{status}'{error}）；分數是 Inspect 停止前記錄的部分。",
                             "若要完整分數，請用 'inspect eval-retry <log>' 完成執行，並上傳新的記錄檔。"),
    "inspect.bad_samples": ("有 {count} 個樣本不是物件；未納入逐題資料。", "請上傳 Inspect 寫出、未經修改的記錄檔。"),
    "inspect.zstd": ("是以 zstd 壓縮的 Inspect .eval 記錄檔，這裡無法解壓縮。",
                     "請用 'inspect log convert {name} --to json --output-dir <dir>' 轉換後上傳 .json"
                     "（或在執行分析工具的環境安裝 Python 套件 'zstandard'）。"),
    "inspect.bad_header": ("是 Inspect .eval 記錄檔，但無法讀取其中的 {member}（{error}）；已略過此檔。",
                           "請上傳 Inspect 寫出、未經修改的 .eval 記錄檔，或用 'inspect log convert <log> --to json "
                           "--output-dir <dir>' 轉換。"),
    "inspect.samples_unreadable": (".eval 記錄檔中有 {count} 個項目無法讀取（第一個：{first}）；已略過。",
                                   "請上傳 Inspect 寫出、未經修改的 .eval 記錄檔。"),
    "samples.skipped_records": ("有 {count} 筆記錄沒有可用的編號或分數；已略過。", "請確認這是評測寫出、未經修改的記錄檔。"),
    "samples.scores_computed": ("未載入它的結果檔（{results}），這個來源的分數是由逐題資料計算而得。",
                                "請載入同一次評測的 {results}，以查看評測回報的分數。"),
    "twinkle_samples.no_records": ("是 Twinkle Eval 逐題檔，但沒有任何含 question_id 與 is_correct 的記錄。",
                                   "請上傳 Twinkle Eval 原樣寫出的 eval_results_*.jsonl。"),
    "twinkle_samples.no_fit": ("它的 {count} 筆逐題記錄（第 {run} 次執行）無法對應到 {results} 的 {files} 個資料集檔案："
                               "沒有任何依結果順序、每個檔案一段（question_id 從 0 起）的切分方式，能讓每個檔案的正確率"
                               "都等於 {results} 所報告的該次正確率。這些記錄未併入；顯示的是 {results} 的分數。",
                               "請載入與 {results} 同一次執行、未經修改（未合併或重新排序）的 eval_results 檔，"
                               "或使用會在每筆記錄寫出 'file' 的 Twinkle Eval 版本。"),
    "twinkle_samples.ambiguous": ("它的 {count} 筆逐題記錄（第 {run} 次執行）能以不只一種方式對應到 {results} 的 "
                                  "{files} 個資料集檔案（題數與正確率相同的檔案）；這些記錄未併入，顯示的是 {results} "
                                  "的分數。", "請使用會在每筆記錄寫出 'file' 的 Twinkle Eval 版本。"),
    "twinkle_samples.unknown_files": ("有 {count} 筆記錄所指的資料集檔案不在 {results} 中（{files}）；已略過。",
                                      "請載入同一次執行的結果檔。"),
    "twinkle_samples.unplaced": ("它的記錄沒有指出資料集檔案，且未載入 {results}，因此顯示為資料集 'eval_results' 的單一類別 "
                                 "'all'（不跨執行配對）。", "請載入同一次執行的 {results}，以查看各檔案的題目。"),
    "lmeval_samples.no_records": ("是 lm-evaluation-harness 逐樣本檔，但沒有任何含 doc_id 與數值指標的記錄。",
                                  "請上傳 lm-eval 原樣寫出的 samples_*.jsonl。"),
    "lmeval_samples.task_not_in_results": ("任務 '{task}' 不在 {results} 中；它的分數由逐樣本資料計算而得。",
                                           "請載入同一次執行的結果檔。"),
    "src.failed": ("無法下載（{error}）。", "請確認網址正確，且伺服器允許跨來源請求（CORS）。"),
    "src.ignored": ("src= 在伺服器上會被忽略：只有靜態網頁會載入這些檔案。", ""),
}

#: How a JSON value's kind is named in messages ("item 5 is a string, not an object").
KINDS = {
    "en": {"str": "a string", "int": "an integer", "float": "a number", "bool": "a boolean", "list": "a list",
           "dict": "an object", "NoneType": "null", "missing": "missing", "nan": "NaN", "inf": "infinite"},
    "zh-TW": {"str": "字串", "int": "整數", "float": "數字", "bool": "布林值", "list": "清單", "dict": "物件",
              "NoneType": "null", "missing": "缺少", "nan": "NaN", "inf": "無限大"},
}

CATALOGS = {"en": EN, "zh-TW": ZH_TW}


def kind_of(value: Any) -> str:
    """The key in `KINDS` for a JSON value; NaN and ±inf named as such."""
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf"
    return type(value).__name__ if type(value).__name__ in KINDS["en"] else "str"


def placeholders(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


class _Params(dict):
    """Leaves an unknown placeholder visible instead of raising: a message is never lost to a typo."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(code: str, params: dict[str, Any], lang: str = "en") -> tuple[str, str]:
    """(what, fix) of a problem in `lang` (English when `lang` has no entry)."""
    catalog = CATALOGS.get(lang, EN)
    entry = catalog.get(code) or EN.get(code)
    if entry is None:
        return (f"problem {code} ({params}).", "")
    values = _Params(params)
    if "kind" in params:
        values["kind"] = KINDS.get(lang, KINDS["en"]).get(str(params["kind"]), str(params["kind"]))
    return entry[0].format_map(values), entry[1].format_map(values)


#: Words of a problem's location (`where`), outside quoted names: "line 3, dataset 'mmlu', item 4 (x.csv)".
#: Locations are built from these few words only, so they are translated word by word.
_WHERE_WORDS = {
    "zh-TW": ((re.compile(r"\blines? (\d+)"), r"第 \1 行"), (re.compile(r"\bitem (\d+)"), r"第 \1 項"),
              (re.compile(r"\bsample (\S+)"), r"樣本 \1"), (re.compile(r"\bdataset\b"), "資料集"),
              (re.compile(r"\bcolumn\b"), "欄"), (re.compile(r"\btask\b"), "任務")),
}
_QUOTED = re.compile(r"('[^']*')")


def render_where(where: str, lang: str = "en") -> str:
    """A problem's location in `lang`: its words translated, quoted names left exactly as they are."""
    words = _WHERE_WORDS.get(lang)
    if not words or not where:
        return where
    pieces = _QUOTED.split(where)
    for i in range(0, len(pieces), 2):  # even pieces are outside quotes
        for pattern, replacement in words:
            pieces[i] = pattern.sub(replacement, pieces[i])
    return "".join(pieces)
