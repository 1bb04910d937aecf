"""The extraction components on sentences written the ways abstracts write them, English and Chinese.
Each expectation was read off the sentence by hand."""
from __future__ import annotations

import pytest

from ingest.pipeline import nlp_for
from ingest.pipeline.facts import facts_of
from ingest.pipeline.sentences import sentence_starts
from ingest.text import normalize, normalize_zh


def facts(text: str, lang: str, kind: str) -> list[dict]:
    doc = nlp_for(lang)((normalize_zh if lang == "zh" else normalize)(text))
    return [{k: v for k, v in f.value.items() if v is not None} for f in facts_of(doc) if f.kind == kind]


def test_sentences_survive_vs_ci_and_p():
    text = "PFS was 3.5 vs. 2.1 months (95% CI, 1.8-3.7; P = .001). OS was longer (et al. 2019). 12 died."
    starts = sentence_starts(text, "en")
    assert [text[s:s + 6] for s in starts] == ["PFS wa", "OS was", "12 die"]
    zh = "中位PFS为3.5个月(95%CI:1.8,3.7)。中位OS为12.1个月。"
    assert [zh[s:s + 4] for s in sentence_starts(zh, "zh")] == ["中位PF", "中位OS"]


@pytest.mark.parametrize("text,expected", [
    ("Median overall survival was 18.9 months with osimertinib versus 10.2 months with standard EGFR-TKI "
     "(hazard ratio for death, 0.46; 95% CI, 0.37 to 0.57; P<0.001).",
     [("OS", 18.9, "months", "median", "osimertinib", 0.001, None),
      ("OS", 10.2, "months", "median", "standard EGFR-TKI", 0.001, None),
      ("OS", 0.46, "ratio", "hr", None, 0.001, (0.37, 0.57))]),
    ("The objective response rate was 45% (95% CI, 33-58) in the combination arm and 20% (95% CI, 11-32) in "
     "the monotherapy arm.",
     [("ORR", 45, "%", "rate", "combination", None, (33, 58)), ("ORR", 20, "%", "rate", "monotherapy", None, (11, 32))]),
    ("The median PFS was not reached in the pembrolizumab group and was 6.1 months (95% CI 4.2-8.3) in the "
     "chemotherapy group (HR 0.50 [95% CI 0.37-0.68]; p<0.0001).",
     [("PFS", 6.1, "months", "median", "chemotherapy", 0.0001, (4.2, 8.3)),
      ("PFS", 0.5, "ratio", "hr", None, 0.0001, (0.37, 0.68))]),
    ("Twelve-month OS rate was 64.2% vs 51.8%.",
     [("OS", 64.2, "%", "rate", None, None, None), ("OS", 51.8, "%", "rate", None, None, None)]),
    ("The maximum tolerated dose was 12 mg/kg.", [("MTD", 12, "mg/kg", None, None, None, None)]),
    ("The median follow-up was 22.1 months and 84 patients (61%) had CNS metastases.", []),
    ("PFS was defined as death or a ≥ 5% decline in vital capacity.", []),
])
def test_english_results(text, expected):
    got = [(r["endpoint"], r["value"], r.get("unit"), r.get("stat"), r.get("arm"), r.get("p"),
            (r["ci"]["low"], r["ci"]["high"]) if "ci" in r else None) for r in facts(text, "en", "result")]
    assert got == expected


def test_twelve_month_rate_is_qualified():
    assert {r.get("qualifier") for r in facts("Twelve-month OS rate was 64.2% vs 51.8%.", "en", "result")} == \
        {"12-month"}


@pytest.mark.parametrize("text,expected", [
    ("中位无进展生存期(mPFS)为5.6个月(95%CI: 4.2~7.0),中位总生存期(mOS)为12.3个月。",
     [("PFS", 5.6, "months", "median", None, None, (4.2, 7)), ("OS", 12.3, "months", "median", None, None, None)]),
    ("两组客观缓解率(ORR)分别为30.0%(12/40)和15.0%(6/40),差异有统计学意义(P=0.032)。",
     [("ORR", 30, "%", "rate", None, 0.032, None), ("ORR", 15, "%", "rate", None, 0.032, None)]),
    ("安罗替尼组与安慰剂组的中位PFS分别为5.4个月和1.4个月(HR=0.25, 95%CI: 0.17~0.38, P<0.001)。",
     [("PFS", 5.4, "months", "median", "安罗替尼组", None, None), ("PFS", 1.4, "months", "median", "安慰剂组", None, None),
      ("PFS", 0.25, "ratio", "hr", None, 0.001, (0.17, 0.38))]),
    ("1年生存率为65.2%,2年生存率为32.1%。",
     [("OS", 65.2, "%", "rate", None, None, None), ("OS", 32.1, "%", "rate", None, None, None)]),
])
def test_chinese_results(text, expected):
    got = [(r["endpoint"], r["value"], r.get("unit"), r.get("stat"), r.get("arm"), r.get("p"),
            (r["ci"]["low"], r["ci"]["high"]) if "ci" in r else None) for r in facts(text, "zh", "result")]
    assert got == expected


def test_chinese_fractions_and_time_points():
    rows = facts("两组客观缓解率(ORR)分别为30.0%(12/40)和15.0%(6/40)。", "zh", "result")
    assert [(r["n"], r["N"]) for r in rows] == [(12, 40), (6, 40)]
    rows = facts("1年生存率为65.2%,2年生存率为32.1%。", "zh", "result")
    assert [r["qualifier"] for r in rows] == ["1-year", "2-year"]


@pytest.mark.parametrize("text,lang,expected", [
    ("Grade ≥3 treatment-related adverse events occurred in 25 patients (31.3%); the most common were "
     "neutropenia (12.5%) and anemia (7.5%).", "en", [("neutropenia", ">=3", 12.5), ("anemia", ">=3", 7.5)]),
    ("The most common grade 3/4 events were neutropenia (25%) and febrile neutropenia (10%).", "en",
     [("neutropenia", "3-4", 25), ("febrile neutropenia", "3-4", 10)]),
    ("The most common adverse events (majority, grade 1 or 2) were diarrhoea (78%) and nausea (59%).", "en",
     [("diarrhea", "any", 78), ("nausea", "any", 59)]),
    ("No cerebral edema was reported.", "en", []),
    ("Unlike other antibodies it does not induce skin toxicity or hypomagnesemia.", "en", []),
    ("Nephrotoxicity and hepatotoxicity was not observed in either group.", "en", []),
    ("Infusion-related pyrexia (37.2% vs. 32.3%) and chills (18.4% vs. 18.5%) were comparable.", "en",
     [("fever", "any", 37.2), ("chills", "any", 18.4)]),
    ("Major bleeding rate was similar between treatment groups (13.4 vs. 12.6%).", "en",
     [("major bleeding", "any", None)]),
    ("Twelve (10%) and 3 patients (3%) had grade 3 or 4 neurologic events, respectively.", "en",
     [("neurologic events", "3", 10), ("neurologic events", "4", 3)]),
    ("Four patients had cytokine release syndrome (grade 1, n = 2; grade 3, n = 2).", "en",
     [("cytokine release syndrome", "any", None), ("cytokine release syndrome", "1-2", None),
      ("cytokine release syndrome", "3", None)]),
    ("3级及以上不良反应发生率为15.0%,主要为高血压(8.0%)和手足综合征(5.0%)。", "zh",
     [("hypertension", ">=3", 8), ("hand-foot syndrome", ">=3", 5)]),
    ("常见的不良反应包括高血压(35.0%)、蛋白尿(20.0%)和乏力(15.0%),多为1~2级。", "zh",
     [("hypertension", "any", 35), ("proteinuria", "any", 20), ("fatigue", "any", 15)]),
    ("不良反应:高血压16例(42.1%),其中1-2级14例(36.8%),3-4级2例(5.3%);手足综合征12例(31.6%),均为1-2级;"
     "腹泻3例(7.9%),均为1级。", "zh",
     [("hypertension", "any", 42.1), ("hand-foot syndrome", "any", 31.6), ("diarrhea", "any", 7.9),
      ("hypertension", "1-2", 36.8), ("hypertension", "3-4", 5.3), ("hand-foot syndrome", "1-2", 31.6)]),
    ("TP组3~4度白细胞减少及恶心的发生率最显著,远期不良反应为放射性肠炎。", "zh",
     [("leukopenia", "3-4", None), ("nausea", "3-4", None), ("radiation enteritis", "any", None)]),
    ("观察组白细胞和中性粒细胞减少发生率均低于对照组。", "zh",
     [("leukopenia", "any", None), ("neutropenia", "any", None)]),
    ("两组肝肾功能异常、骨髓抑制等不良反应发生率比较,差异无统计学意义。", "zh",
     [("hepatic dysfunction", "any", None), ("renal dysfunction", "any", None), ("myelosuppression", "any", None)]),
    # "mostly grade 1-2" says what most events were; right before a term it is that term's grade
    ("Drug-related adverse events were primarily grade 1-2 infusion toxicities.", "en",
     [("infusion related reaction", "1-2", None)]),
    ("Adverse events were nausea (33%) and diarrhea (19%), and were mainly grades 1 to 2.", "en",
     [("nausea", "any", 33), ("diarrhea", "any", 19)]),
])
def test_adverse_events(text, lang, expected):
    assert [(a["term"], a["grade"], a.get("rate")) for a in facts(text, lang, "adverse_event")] == expected


@pytest.mark.parametrize("text,lang,enrolled,analyzed", [
    ("In the phase Ib/II study, 48 patients were enrolled and 45 were evaluable for response.", "en", [48], [45]),
    ("From August 2009 to July 2012, 150 and 151 patients were randomly assigned.", "en", [301], []),
    ("One hundred sixteen patients received blinatumomab.", "en", [116], []),
    ("In this open-label study, 500 patients with VL were randomly assigned in a 3:1 ratio.", "en", [500], []),
    ("Overall, 97 patients from 36 centers were enrolled.", "en", [97], []),
    ("In this phase 3 trial, we randomly assigned, in a 1:1 ratio, 559 patients with NSCLC.", "en", [559], []),
    ("In this trial, 4162 women (aged >18 years) with breast cancer were randomly assigned.", "en", [4162], []),
    ("144 patients were randomly allocated to the atezolizumab group, and 143 to the docetaxel group.", "en",
     [287], []),
    ("We randomly assigned 350 patients to receive erlotinib and 320 to receive placebo.", "en", [670], []),
    ("共纳入62例晚期非小细胞肺癌患者,其中58例可评价疗效。", "zh", [62], [58]),
    ("研究结果显示,在638位纳入研究的对象当中,376人使用A方案。", "zh", [638], []),
    ("回顾性分析2005年1月至2016年2月接受治疗的144例MM患者资料。", "zh", [144], []),
    # a number in words with words between it and the noun; participants that are not called patients
    ("Twenty-six obese subjects were enrolled and 17 completed the study.", "en", [26], []),
    ("One hundred and seventy-six patients were randomly assigned.", "en", [176], []),
    ("11 healthy volunteers were randomized to either smoking or not smoking.", "en", [11], []),
    ("The 193 out-patients with OA of the knee were randomized into four groups.", "en", [193], []),
    ("84 patients admitted to the ICU post-cardiac surgery were randomized by computer.", "en", [84], []),
    ("133 children with type 1 diabetes (mean age 8.5 ± 1.8 years, 55% on pumps, median diabetes duration 3.0 "
     "years) were randomly assigned to CGM or to usual care.", "en", [133], []),
    ("133 women between 15-45 years old who suffered from the disorder were divided into three groups.", "en",
     [133], []),
    ("This open-label study randomized (1:1) 116 Japanese de-novo patients to either regimen.", "en", [116], []),
    ("A randomized, double blind, crossover study was conducted in 14 COPD patients.", "en", [14], []),
    ("503 subjects, 18 - 57 years old, were included and 297 completed the study.", "en", [503], []),
    ("36 patients newly diagnosed with OSA were randomized to either arm.", "en", [36], []),
    ("The NLST enrolled 56 392 persons, with 27 614 randomly assigned to radiograph screening.", "en", [56392], []),
    ("A total of 1 204 patients were enrolled.", "en", [1204], []),
    ("Among 18 624 PLATO patients, 11 080 (59%) were categorized as NSTE-ACS.", "en", [18624], []),
    # only the arms' sizes given: they add up (a cluster count after them is not an arm)
    ("Patients were randomly assigned to receive drug A (n = 150) or placebo (n = 148).", "en", [298], []),
    ("Workers were assigned to either the intervention group (N = 291) or the usual care group (N = 352) by "
     "means of cluster randomisation (N = 42).", "en", [643], []),
    ("患者随机分为观察组(n=52)和对照组(n=48)。", "zh", [100], []),
    ("In total, 99 patients were enrolled in the X group and 101 in the Y group.", "en", [200], []),
    ("将患者随机分为观察组(52例)和对照组(48例)。", "zh", [100], []),
])
def test_patients_enrolled_and_analysed(text, lang, enrolled, analyzed):
    assert sorted({f["n"] for f in facts(text, lang, "n_enrolled")}) == enrolled
    assert sorted({f["n"] for f in facts(text, lang, "n_analyzed")}) == analyzed


@pytest.mark.parametrize("text,lang,phase,detail", [
    ("In the phase Ib/II study, 48 patients were enrolled.", "en", "1/2", "1b/2"),
    ("This randomized, phase III trial enrolled 300 patients.", "en", "3", "3"),
    ("本研究为一项多中心、随机、双盲、安慰剂对照的Ⅲ期临床试验。", "zh", "3", "3"),
    ("这是一项II期篮子研究。", "zh", "2", "2"),
])
def test_phase(text, lang, phase, detail):
    assert facts(text, lang, "phase") == [{"phase": phase, "detail": detail}]


def test_disease_stage_and_journal_issue_are_not_phases():
    assert facts("选取初治Ⅲ~Ⅳ级脑胶质瘤患者53例。肿瘤预防与治疗 2016年5期", "zh", "phase") == []


def test_registry_ids_and_acronyms():
    text = ("This phase III trial (PROFILE 1014) is registered with ClinicalTrials.gov, number NCT01154140, "
            "and the companion study with ChiCTR-IOR-17013436.")
    ids = [f["id"] for f in facts(text, "en", "registry_id")]
    assert ids == ["NCT01154140", "ChiCTR-IOR-17013436"]
    assert [f["acronym"] for f in facts(text, "en", "acronym")] == ["PROFILE 1014"]
    assert facts("We conducted a randomized controlled trial (RCT) of adjuvant therapy.", "en", "acronym") == []


def test_endpoint_kinds():
    text = ("The primary endpoint was objective response rate (ORR), and key secondary endpoints included "
            "progression-free survival (PFS) and adverse events.")
    got = {(e["name"], e.get("kind")) for e in facts(text, "en", "endpoint")}
    assert got == {("ORR", "primary"), ("PFS", "secondary"), ("AE", "secondary")}
    zh = facts("主要终点是客观缓解率(ORR),关键次要终点包括无进展生存期(PFS)和不良事件。", "zh", "endpoint")
    assert {(e["name"], e.get("kind")) for e in zh} == {("ORR", "primary"), ("PFS", "secondary"), ("AE", "secondary")}
    listed = ("Endpoints included tumour responses, duration of response, time to tumour response and "
              "assessment of objective radiographic response to therapy.")
    assert {e["name"] for e in facts(listed, "en", "endpoint")} == {"ORR", "DoR"}


# ---- rules added for the own English and Chinese corpora (each sentence from a real abstract's wording) ----

def _results(text: str, lang: str = "en") -> list[tuple]:
    return [(r["endpoint"], r["value"], (r.get("ci") or {}).get("low"), (r.get("ci") or {}).get("high"),
             r.get("p"), r.get("n"), r.get("N")) for r in facts(text, lang, "result")]


def test_chained_cis_follow_their_figures_in_order():
    got = _results("Median PFS was 4.0 and 2.5 months for GV and GP arms, respectively (95% CI, 2.5 to 5.3 and "
                   "1.9 to 3.8, respectively).")
    assert [g[:4] for g in got] == [("PFS", 4.0, 2.5, 5.3), ("PFS", 2.5, 1.9, 3.8)]


def test_a_ratio_keeps_its_bare_ci_before_its_p():
    got = _results("Overall survival improved with increasing PD-L1 expression (TC3 or IC3 HR 0.49 "
                   "[0.22-1.07; p=0.068]).")
    assert got == [("OS", 0.49, 0.22, 1.07, 0.068, None, None)]


def test_unit_after_the_figure_s_own_ci():
    assert [g[:4] for g in _results("The median PFS (95% CI) was 5.5 (3.8–14.0) months.")] == [("PFS", 5.5, 3.8, 14)]
    zh = _results("两组中位无进展生存时间(PFS)分别为9.0(95%CI:3.0~15.0)个月和7.4(95%CI为4.8~9.8)个月。", "zh")
    assert [g[:4] for g in zh] == [("PFS", 9, 3, 15), ("PFS", 7.4, 4.8, 9.8)]


def test_a_difference_stated_in_the_next_sentence_gives_its_p():
    got = _results("The 5-year survival rate was 62.5% (30/48) in the chemotherapy group and 43.3% (39/90) in the "
                   "surgery alone group. The difference was significant (P < 0.05).")
    assert [(g[1], g[4]) for g in got] == [(62.5, 0.05), (43.3, 0.05)]


def test_a_list_of_shares_keeps_its_endpoint_and_denominators():
    got = _results("An objective response was achieved in ten (10%) of 98 patients receiving nivolumab 3 mg/kg, "
                   "one (33%) of three patients receiving nivolumab 1 mg/kg plus ipilimumab 1 mg/kg.")
    assert [(g[0], g[1], g[5], g[6]) for g in got] == [("ORR", 10, 10, 98), ("ORR", 33, 1, 3)]


def test_a_sentence_ends_after_a_lettered_arm():
    text = "ORR was 42% in arm A and 67% in arm B. Common adverse events were nausea (33%/40%)."
    assert [text[s:s + 6] for s in sentence_starts(text, "en")] == ["ORR wa", "Common"]
    assert [g[1] for g in _results(text)] == [42, 67]  # the nausea rates are not ORR figures


def test_enrolment_written_as_arms_and_as_spaced_thousands():
    def enrolled(text, lang="en"):
        return [f["n"] for f in facts(text, lang, "n_enrolled") if not f.get("weak")]

    assert 482 in enrolled("The trial stopped early (238 patients randomized to sunitinib, 244 to capecitabine).")
    assert 160 in enrolled("选取108例Ⅱ/Ⅲ期结肠癌术后辅助化疗患者作为研究组,选取同期52例单纯手术患者作为对照组。", "zh")
    assert 1241 in enrolled("共纳入1 241例驱动基因阴性的非小细胞肺癌患者。", "zh")


def test_no_count_from_a_misspelt_number_word_or_a_class_range():
    def enrolled(text):
        return [f["n"] for f in facts(text, "en", "n_enrolled")]

    assert 17 not in enrolled("Eight-nine consecutive children were enrolled.")  # not 8 + 9
    assert 2 not in enrolled("Fifty two ASA physical status 1 or 2 adult patients scheduled for surgery were enrolled.")
    # who were screened, planned or seen before the count of those enrolled
    assert 4 not in enrolled("Among 99 consecutive HCV genotype 4 patients, 46 were enrolled based on the sample size.")
    assert 1967 not in enrolled("Power was not reached; of a planned 1967 women, 926 were enrolled.")
    assert 159 not in enrolled("Among the initial 159 patients, 108 completed the study and were included in the analysis.")


def test_grade_abbreviations_and_deaths():
    aes = {(a["term"], a["grade"]) for a in facts(
        "Toxicity was mild, with G3-4 neutropenia in 6% of patients. Two treatment-associated deaths were "
        "caused by pneumonia.", "en", "adverse_event")}
    assert ("neutropenia", "3-4") in aes and ("pneumonia", "5") in aes


def test_n_over_n_written_before_the_rate():
    got = _results("Complete response (CR) + unconfirmed CR (CRu) was 16/25 (64%), overall response rate was "
                   "20/25 (80%), and 4/25(16%) had PD as best response.")
    assert [(g[0], g[1], g[5], g[6]) for g in got] == [("CR", 64, 16, 25), ("ORR", 80, 20, 25)]


def test_a_difference_statement_names_the_endpoints_it_closes():
    got = _results("治疗组有效率为31.5%(6/19),临床受益率为84.2%(16/19)。对照组有效率为23.8%(5/21),临床受益率为23.8%(5/21)。"
                   "两组间有效率和临床受益率比较,差异均有统计学意义(P lt;0.05)。", "zh")
    assert [(g[0], g[1], g[4]) for g in got] == [("ORR", 31.5, 0.05), ("CBR", 84.2, 0.05), ("ORR", 23.8, 0.05),
                                                ("CBR", 23.8, 0.05)]


def test_a_rate_written_as_a_proportion():
    got = _results("使用Platinum合併Paclitaxel化療處方有262人,5年無病存活率為0.82,5年整體存活率為0.86。", "zh")
    assert [(g[0], g[1]) for g in got] == [("DFS", 0.82), ("OS", 0.86)]


def test_compared_pairs_respectively_one_pair_per_endpoint():
    got = _results("The 5-year disease free survival (DFS) and overall survival (OS) were higher in the patients "
                   "with D14 blasts<7.5% than those with D14 blasts ≥7.5% (49.8% vs 29.6%, P=0.006 and 52.4% vs "
                   "32.6%, P=0.010 respectively).")
    assert [(g[0], g[1], g[4]) for g in got] == [("DFS", 49.8, 0.006), ("DFS", 29.6, 0.006), ("OS", 52.4, 0.01),
                                                ("OS", 32.6, 0.01)]


@pytest.mark.parametrize("text,symbols", [
    ("This phase 3 study compared the anti-programmed death ligand 1 antibody durvalumab with placebo.", {"CD274"}),
    ("Nivolumab, a Programmed Death-1 inhibitor, prolonged survival.", {"PDCD1"}),
    ("Axitinib is a selective inhibitor of vascular endothelial growth factor receptors 1, 2 and 3.", {"VEGFR"}),
    ("Canagliflozin is a sodium glucose co-transporter 2 inhibitor.", {"SLC5A2"}),
    ("Patients with CD3-positive cells were excluded.", {"CD3E"}),
    ("Reactive oxygen species (ros) and cd3 counts rose.", set()),
])
def test_targets_named_spelled_out_or_as_symbols(text, symbols):
    """Spelled-out names match in any case; short symbols only as written ("ros" is not ROS1)."""
    assert {f["symbol"] for f in facts(text, "en", "target")} == symbols


def test_a_bare_ratio_after_a_named_one_and_an_arm_dose():
    """"(0.61, 0.49-0.75; p<0.0001)" after "(hazard ratio [HR] 0.71 …)" is a hazard ratio with its CI, and
    "pembrolizumab 2 mg/kg versus docetaxel" names an arm, not a dose result."""
    text = ("Overall survival was longer for pembrolizumab 2 mg/kg versus docetaxel (hazard ratio [HR] 0.71, 95% CI "
            "0.58-0.88; p=0.0008) and for pembrolizumab 10 mg/kg versus docetaxel (0.61, 0.49-0.75; p<0.0001).")
    got = [(r["endpoint"], r["value"], r["stat"], (r["ci"]["low"], r["ci"]["high"]), r["p"])
           for r in facts(text, "en", "result")]
    assert got == [("OS", 0.71, "hr", (0.58, 0.88), 0.0008), ("OS", 0.61, "hr", (0.49, 0.75), 0.0001)]
    assert facts("Responses (0.61, 0.49-0.75; p<0.0001) were seen.", "en", "result") == []


def test_a_ratio_named_with_its_event_and_arm():
    text = ("Progression-free survival was longer with crizotinib (hazard ratio for progression or death with "
            "crizotinib, 0.45; 95% confidence interval [CI], 0.35 to 0.60; P<0.001).")
    assert [(r["endpoint"], r["value"], r["stat"]) for r in facts(text, "en", "result")] == [("PFS", 0.45, "hr")]


def test_chinese_arms_shorten_antibody_names():
    """"卡瑞利珠+化疗+贝伐珠组": an antibody's Chinese name without 单抗 still names it."""
    found = {f["name"] for f in facts("分为化疗组、卡瑞利珠+化疗组、卡瑞利珠+化疗+贝伐珠组,每组各40例。", "zh", "drug")}
    assert {"camrelizumab", "bevacizumab"} <= found


def test_chinese_figures_compared_respectively_keep_their_endpoints():
    """"A率为x、B率为y，分别高于对照组的z、w，差异均有统计学意义(P<0.05)": z is A's, w is B's, each side one arm,
    and the p (均: all the differences) belongs to every figure."""
    text = ("观察组疾病控制率为86.11%(31/36)、客观缓解率为66.67%(24/36),分别高于对照组的63.89%(23/36)、41.67%(15/36),"
            "差异均有统计学意义(P<0.05)。")
    got = [(r["endpoint"], r["value"], r["arm"], r["p"]) for r in facts(text, "zh", "result")]
    assert got == [("DCR", 86.11, "观察组", 0.05), ("ORR", 66.67, "观察组", 0.05),
                   ("DCR", 63.89, "对照组", 0.05), ("ORR", 41.67, "对照组", 0.05)]


def test_each_chinese_clause_says_its_own_respectively():
    text = ("患者中位总体生存(OS)和无进展生存(PFS)时间分别为120.9和56.9个月;早期和晚期移植组患者的中位OS分别为120.9和"
            "50.1个月,中位PFS时间分别为60.2和16.7个月(P值均<0.001)。")
    got = [(r["endpoint"], r["value"]) for r in facts(text, "zh", "result")]
    assert got == [("OS", 120.9), ("PFS", 56.9), ("OS", 120.9), ("OS", 50.1), ("PFS", 60.2), ("PFS", 16.7)]


@pytest.mark.parametrize("text,lang", [
    ("研究组无病生存率为69.44%,复发转移病例26例,占24.07%,死亡7例,占6.48%。", "zh"),
    ("The disease-free survival rate was 69.44%, 26 cases in recurrence and transfer, accounted for 24.07%, and 7 "
     "cases (6.48%) died.", "en"),
])
def test_shares_of_other_cases_are_not_the_endpoint_s(text, lang):
    assert [r["value"] for r in facts(text, lang, "result")] == [69.44]


def test_an_endpoint_named_after_its_shares():
    text = ("75.6% (95% CI 73.7-77.5) of patients in the experimental group and 74.3% (72.3-76.2) of controls were "
            "alive and disease-free at 5 years.")
    got = [(r["endpoint"], r["value"], r["qualifier"], (r["ci"]["low"], r["ci"]["high"])) for r in facts(text, "en", "result")]
    assert got == [("DFS", 75.6, "5-year", (73.7, 77.5)), ("DFS", 74.3, "5-year", (72.3, 76.2))]


def test_a_ratio_of_a_subgroup_named_by_an_adverse_event():
    """"worse in the group that did not develop first-cycle rash (1.30, 1.05-1.61, p=0.017)": the rash names the
    subgroup; the hazard ratio is still overall survival's."""
    text = ("Patients with first-cycle rash had better overall survival (HR 0.76, 95% CI 0.63-0.92, p=0.0058). "
            "Overall survival seemed to be worse in the group that did not develop first-cycle rash (1.30, 1.05-1.61, "
            "p=0.017).")
    assert [(r["endpoint"], r["value"], r["stat"]) for r in facts(text, "en", "result")] == [
        ("OS", 0.76, "hr"), ("OS", 1.3, "hr")]


def _sectioned(*texts: str):
    from ingest.document import Paragraph, RawDocument
    from ingest.extract import extract_document

    paras = [Paragraph(lang="en", text=t, role=role) for t, role in zip(texts, ("methods", "results", "conclusions"))]
    return extract_document(RawDocument(format="text", path="t.txt", title_en="A trial", paragraphs=paras))


def test_parts_read_as_one_doc_keep_their_own_sentences_and_facts():
    """All parts of one language run through the pipeline together; nothing carries from one to the next."""
    ratio = "Progression-free survival favoured drug (hazard ratio 0.71, 95% CI 0.58-0.88; p=0.0008)."
    bare = "For the second dose (0.61, 0.49-0.75; p<0.0001)."
    assert [(r.endpoint, r.value) for r in _sectioned(ratio + " " + bare).results] == [("PFS", 0.71), ("PFS", 0.61)]
    assert [(r.endpoint, r.value) for r in _sectioned(ratio, bare).results] == [("PFS", 0.71)]
    # the facts of a later part point into that part's own text
    second = "Overall survival favoured drug (hazard ratio 0.78, 95% CI 0.61-0.99; p=0.04)."
    rec = _sectioned("Patients were randomised.", second)
    span = next(s for s in rec.spans if s.field.startswith("results"))
    assert span.section == 1 and span.start == 0 and span.text == second[span.start:span.end]
    assert "0.78" in span.text


def test_a_ratio_named_at_a_sentence_start():
    """"Hazard ratio …" opening a sentence is a ratio as "hazard ratio" is; "or"/"hr" in lower case never are."""
    rec = _sectioned("Overall survival was longer with drug. Hazard ratio for death was 0.61 (95% CI 0.50-0.70; "
                     "P<0.001).")
    assert [(r.endpoint, r.value, r.stat) for r in rec.results] == [("OS", 0.61, "hr")]
    rec = _sectioned("Overall survival was 12 or 13 months with drug or placebo (P=0.04).")
    assert all(r.stat != "or" for r in rec.results)


@pytest.mark.parametrize("text,lang", [
    ("Median PFS with osimertinib was 18.9 months in EGFR-mutant non-small-cell lung cancer; grade 3 rash in 5%.", "en"),
    ("奥希替尼组中位无进展生存期为18.9个月，客观缓解率为80%，3级皮疹发生率为5%。", "zh"),
])
def test_terms_read_as_the_spans_mark_them(text, lang):
    """The components read the terms as plain Term values: the same offsets, label, value and text as the
    Spans in doc.spans["kb_terms"]."""
    from ingest.pipeline.facts import terms_of

    doc = nlp_for(lang)((normalize_zh if lang == "zh" else normalize)(text))
    spans = list(doc.spans["kb_terms"])
    assert len(spans) >= 3
    assert [(t.start, t.end, t.start_char, t.end_char, t.label_, t.kb_id_, t.text) for t in terms_of(doc)] == \
           [(s.start, s.end, s.start_char, s.end_char, s.label_, s.kb_id_, s.text) for s in spans]


def test_a_doc_is_freed_without_the_cyclic_collector():
    """Nothing a component keeps in the Doc refers back to it, so it is freed as soon as it is dropped."""
    import gc
    import weakref

    nlp = nlp_for("zh")
    gc.disable()
    try:
        doc = nlp(normalize_zh("奥希替尼组中位无进展生存期为18.9个月(95%CI:12.1~25.3)，客观缓解率为80%，P<0.05。"))
        assert facts_of(doc)
        ref = weakref.ref(doc)
        del doc
        assert ref() is None
    finally:
        gc.enable()


def test_unlisted_inns_are_drugs_by_their_who_stem_and_ordinary_words_are_not():
    text = ("Patients received fluticasone/salmeterol, diclofenac or a new sartan, zelosartan, with bupivacaine; "
            "triamcinolone acetonide was given in April. Serum cholesterol, the concept and the intercept did not "
            "change.")
    drugs = {d["name"] for d in facts(text, "en", "drug")}
    assert {"fluticasone", "salmeterol", "diclofenac", "zelosartan", "bupivacaine", "triamcinolone"} <= drugs
    assert not drugs & {"acetonide", "april", "cholesterol", "concept", "intercept", "sartan"}


@pytest.mark.parametrize("text,lang,expected", [
    ("Patients with knee osteoarthritis or Alzheimer's disease were enrolled.", "en",
     {"osteoarthritis", "Alzheimer's disease"}),
    ("Adults with HIV-1 infection and chronic hepatitis C received treatment.", "en",
     {"HIV infection", "chronic hepatitis C"}),
    ("纳入阿尔茨海默病患者60例和膝骨关节炎患者40例。", "zh", {"Alzheimer's disease", "osteoarthritis"}),
])
def test_conditions_outside_oncology(text, lang, expected):
    assert expected <= {f["name"] for f in facts(text, lang, "condition")}


def test_time_to_response_is_not_the_response_rate():
    text = "Median time to first documented objective response was 7.9 weeks and the objective response rate was 45%."
    assert [(r["endpoint"], r["value"]) for r in facts(text, "en", "result")] == [("ORR", 45)]


def test_a_short_form_the_abstract_defines_names_its_term_afterwards():
    text = ("Patients with knee osteoarthritis (KOA) received arsenic trioxide (ATO) or taxane-carboplatin (TC). "
            "ATO was well tolerated in KOA; TC was not.")
    drugs = [(d["name"], d["written"]) for d in facts(text, "en", "drug")]
    assert ("arsenic trioxide", "ATO") in drugs
    assert ("carboplatin", "TC") not in drugs  # TC abbreviates the regimen, not carboplatin
    assert [c["name"] for c in facts(text, "en", "condition")].count("osteoarthritis") == 2
    # the short form of a median is a median
    text = ("The median survival time (MST) was longer in group A. In stage II the difference was significant "
            "(MST 40.86 months vs 80.81 months).")
    assert [(r["endpoint"], r["value"], r.get("stat")) for r in facts(text, "en", "result")] == [
        ("OS", 40.86, "median"), ("OS", 80.81, "median")]


@pytest.mark.parametrize("short,long,expected", [
    ("MST", "median survival time", True), ("AmB", "amphotericin B", True), ("PCB", "procarbazine", True),
    ("TC", "carboplatin", False), ("GV", "gemcitabine", False), ("HD-MTX", "methotrexate", False),
])
def test_schwartz_hearst_abbreviation_test(short, long, expected):
    from ingest.pipeline.terms import _abbreviation_of

    assert _abbreviation_of(short, long) is expected


@pytest.mark.parametrize("text,expected", [
    ("Objective responses were observed in 12 of 40 patients (30%).", [("ORR", 30, 12, 40)]),
    ("An objective response was seen in 87 of 143 patients (60.8%).", [("ORR", 60.8, 87, 143)]),
    ("87 of 143 patients had an objective response (60.8%, 95% CI 52.3-68.9).", [("ORR", 60.8, 87, 143)]),
    ("Of the eight patients with brain metastases, disease control was reported in five (63%; 95% CI, 31% to 86%).",
     [("DCR", 63, 5, 8)]),
    # a range of shares of people, in a background sentence, is no result of the endpoint named after it
    ("Approximately 30% to 50% of adults with ALL in hematologic complete remission exhibit residual disease.", []),
    # time points are not figures, one or several
    ("Endpoints included progression-free survival and overall survival at 6 and 12 months.", []),
    ("Overall survival rates at 6, 12 and 24 months were 80%, 60% and 40%.",
     [("OS", 80, None, None), ("OS", 60, None, None), ("OS", 40, None, None)]),
])
def test_responders_of_patients_and_time_points(text, expected):
    assert [(r["endpoint"], r["value"], r.get("n"), r.get("N")) for r in facts(text, "en", "result")] == expected


@pytest.mark.parametrize("text,arms", [
    ("Median progression-free survival was longer with osimertinib than with standard therapy (18.9 vs 10.2 "
     "months; HR 0.46).", ["osimertinib", "standard therapy", None]),
    ("PFS was better with anlotinib compared with the placebo (4.8 vs 1.2 months).", ["anlotinib", "placebo"]),
    # an arm's dose before "than" names the arm; "median" may open the brackets
    ("Overall survival was significantly longer with pembrolizumab 2 mg/kg than with docetaxel (median 14.9 months "
     "vs 8.2 months; HR 0.54).", ["pembrolizumab 2 mg/kg", "docetaxel", None]),
])
def test_arms_named_before_a_compared_pair(text, arms):
    assert [r.get("arm") for r in facts(text, "en", "result")] == arms


def test_a_confidence_interval_written_the_taiwanese_way():
    text = "Platinum合併Paclitaxel化療處方2年無病存活率為75%(95%信賴區間為60-85)。"
    assert [r.get("ci") for r in facts(text, "zh", "result")] == [{"level": 95, "low": 60, "high": 85}]


@pytest.mark.parametrize("text,arms", [
    ("治疗后,观察组疾病控制率显著高于对照组[90.0%(36/40) vs 70.0%(28/40),P<0.05]。", ["观察组", "对照组"]),
    ("亚组分析显示:DCR组mOS显著长于PD组(6.32个月vs 2.90个月,P<0.05)。", ["DCR组", "PD组"]),
    # a subgroup analysis and "the 3 groups" name no arm
    ("对早期和晚期移植组患者进行亚组生存分析,Ⅲ期患者中位OS时间差异有统计学意义(35.6个月对15.8个月,P=0.031)。",
     [None, None]),
])
def test_chinese_arms_named_before_a_compared_pair(text, arms):
    assert [r.get("arm") for r in facts(text, "zh", "result")] == arms


def test_a_chinese_graded_term_keeps_its_count_without_a_rate():
    got = [(a["term"], a["grade"], a.get("n")) for a in facts("3级高血压2例,蛋白尿1例。", "zh", "adverse_event")]
    assert got == [("hypertension", "3", 2), ("proteinuria", "3", 1)]


def test_a_survey_response_rate_is_no_tumour_response():
    text = ("After the reminder, the total response rate to the questionnaire was 64.2% and 76.5%, respectively. "
            "The objective response rate was 45%.")
    assert [(r["endpoint"], r["value"]) for r in facts(text, "en", "result")] == [("ORR", 45)]


def test_an_abbreviation_the_abstract_gives_another_meaning():
    text = ("We compared alternate day fasting (ADF), calorie restriction (CR), and endurance exercise. Weight fell "
            "with CR (8%). Mindfulness Meditation (MM) was taught.")
    assert facts(text, "en", "result") == []  # CR is calorie restriction here, not complete response
    assert facts(text, "en", "condition") == []  # MM is not multiple myeloma
    # the lexicon's own meaning, written another way, stays; a gene spelt out stays too
    kept = "Complete remission (CR) was achieved in 20 patients (40%). Progression-free-survival (PFS) was 5 months."
    assert [r["endpoint"] for r in facts(kept, "en", "result")] == ["CR", "PFS"]
    assert facts("Mesenchymal-epithelial transition (MET) amplification was found.", "en", "target")

