"""The ask job on our own labelled question set: understanding, scope, red flags, citations,
plain language and the answer contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from synovia.text.citations import check_consistent
from tests.conftest import contract

QUESTIONS = yaml.safe_load((Path(__file__).parent / "data" / "ask_questions.yaml").read_text())
FORBIDDEN = re.compile(r"\b(cures?|cured|curing|regrow\w*|revers\w*|proven|proof)\b", re.I)
NEGATION = re.compile(r"\b(no|not|never|nor|without|cannot|can't|isn't|doesn't|does not|"
                      r"unproven|no evidence)\b", re.I)


def _ask_all(asker):
    answers = []
    for i, item in enumerate(QUESTIONS):
        cid = item.get("conversation")
        cid = f"test-{cid}" if cid else f"test-single-{i}"
        answers.append(asker.ask(item["q"], item.get("audience", "patient"), cid))
    return answers


@pytest.fixture(scope="module")
def answers(asker):
    return _ask_all(asker)


def test_question_set_is_big_enough():
    assert len(QUESTIONS) >= 40
    assert sum(1 for q in QUESTIONS if q["expect"].get("urgent")) >= 3
    assert sum(1 for q in QUESTIONS if q["expect"].get("in_scope") is False) >= 4


@pytest.mark.parametrize("i", range(len(QUESTIONS)), ids=[q["q"][:40] for q in QUESTIONS])
def test_understands_and_answers(answers, i):
    item, answer = QUESTIONS[i], answers[i]
    exp = item["expect"]
    got = answer.understood
    for key in ("treatments", "joints", "intents", "inherited"):
        if key in exp:
            missing = set(exp[key]) - set(getattr(got, key))
            assert not missing, f"{key}: expected {exp[key]}, understood {getattr(got, key)}"
    if "in_scope" in exp:
        assert answer.in_scope is exp["in_scope"], answer.summary
    if "urgent" in exp:
        assert answer.safety.urgent is exp["urgent"]
    for key, value in (exp.get("profile") or {}).items():
        assert got.profile.get(key) == value, got.profile
    if "min_options" in exp:
        assert len(answer.options) >= exp["min_options"]
    if answer.in_scope:
        assert answer.options, "an in-scope answer compares at least one option"
        assert answer.references, "an in-scope answer cites its evidence"
    elif not answer.safety.urgent:  # an urgent answer does the urgent job only
        assert "no evidence" in answer.summary.lower()
        assert not answer.options


def test_every_answer_validates_against_the_contract(answers):
    schema = contract("answer.schema.json")
    for answer in answers:
        jsonschema.validate(answer.model_dump(mode="json"), schema)


def test_citations_always_consistent(answers):
    for answer in answers:
        texts = [answer.summary] + answer.key_points + [s.text for s in answer.sections]
        assert check_consistent(texts, [r.n for r in answer.references]) == [], answer.question
        assert [r.n for r in answer.references] == list(range(1, len(answer.references) + 1))
        for option in answer.options:
            assert set(option.citations) <= {r.n for r in answer.references}
        for r in answer.references:
            assert r.doi or r.url, r.id


def test_references_in_order_of_first_citation(answers):
    for answer in answers:
        text = " ".join([answer.summary] + answer.key_points + [s.text for s in answer.sections])
        firsts = []
        for group in re.findall(r"\[(\d+(?:,\d+)*)\]", text):
            for n in map(int, group.split(",")):
                if n not in firsts:
                    firsts.append(n)
        assert firsts == sorted(firsts), answer.question


def test_patient_answers_never_overclaim(answers):
    for answer in answers:
        if answer.audience != "patient":
            continue
        for text in [answer.summary] + [s.text for s in answer.sections]:
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                if FORBIDDEN.search(sentence):
                    assert NEGATION.search(sentence), f"overclaim in: {sentence}"


def test_patient_reading_grade(answers):
    grades = [a.reading_grade for a in answers if a.audience == "patient" and a.in_scope]
    assert grades and all(g is not None for g in grades)
    assert sum(grades) / len(grades) <= 9.0, grades


def test_urgent_advice_comes_first(answers):
    urgent = [a for a in answers if a.safety.urgent]
    assert len(urgent) >= 3
    for a in urgent:
        assert a.sections[0].id == "urgent"
        assert a.summary.startswith(a.safety.message.split("[")[0].strip()[:40])
        assert re.search(r"111|999|A&E|emergency", a.safety.message)


def test_every_answer_says_it_is_not_advice(answers):
    for a in answers:
        assert "not medical advice" in a.disclaimer
        assert a.sections[-1].id == "disclaimer"


def test_follow_ups_are_answerable(asker, answers):
    for a in answers[:12]:
        assert 2 <= len(a.follow_ups) <= 4, a.follow_ups
    first = answers[0]
    for q in first.follow_ups:
        follow = asker.ask(q, "patient", first.conversation_id + "-f", save=False)
        assert follow.in_scope, q


def test_conflict_between_trials_and_guidelines_shown(asker):
    a = asker.ask("Does PRP help knee osteoarthritis?", "patient", "conflict-check", save=False)
    ids = [s.id for s in a.sections]
    assert "disagreement" in ids and "guidelines" in ids


def test_clinician_mode_gives_effect_sizes(asker):
    a = asker.ask("Hyaluronic acid versus placebo for knee OA", "clinician", "clin-1", save=False)
    text = " ".join(s.text for s in a.sections)
    assert re.search(r"95% CI|SMD", text)
    assert any(re.search(r"\d", o.effect) for o in a.options)
    assert a.reading_grade is None


def test_unknown_conversation_id_starts_a_new_one(asker):
    a = asker.ask("And for the hip?", "patient", "brand-new-id-123", save=False)
    assert a.conversation_id == "brand-new-id-123"


def test_retrieval_labels_name_real_findings():
    """The recall@10 labels used by bench/bench_ask.py must point at findings that exist."""
    from synovia.evidence import KnownTerms, read_evidence
    from tests.conftest import DATA

    base, _ = read_evidence(DATA / "evidence", KnownTerms())
    labelled = [q for q in QUESTIONS if q.get("relevant")]
    assert len(labelled) >= 10
    assert [r for q in labelled for r in q["relevant"] if r not in base.findings] == []


# -- the development set (eval/ask/questions.yaml): the same checks `make eval` prints ---------
DEV_SET = Path(__file__).parents[1] / "eval" / "ask" / "questions.yaml"


@pytest.fixture(scope="module")
def dev_results(asker, loaded_db):
    from eval.score_ask import check, load_questions

    from synovia.evidence import Store

    base = Store(loaded_db).evidence()
    schema_path = Path(__file__).parents[2] / "shared" / "contracts" / "answer.schema.json"
    schema = json.loads(schema_path.read_text()) if schema_path.exists() else None
    results = []
    for n, item in enumerate(load_questions(DEV_SET)):
        conv = item.get("conversation")
        answer = asker.ask(item["q"], item.get("audience", "patient"),
                           f"dev-{conv}" if conv else f"dev-single-{n}")
        results.append((item, answer, check(item, answer.model_dump(mode="json"), base, schema)))
    return results


def test_development_set_meets_expectations(dev_results):
    passed = [r for r in dev_results if not r[2]]
    failures = [(item["q"], fails) for item, _, fails in dev_results if fails]
    assert len(dev_results) >= 150
    assert len(passed) / len(dev_results) >= 0.9, failures[:10]


def test_no_red_flag_is_missed(dev_results):
    missed = [item["q"] for item, answer, _ in dev_results
              if item["expect"].get("urgent") and not answer.safety.urgent]
    assert missed == []


def test_every_named_option_has_a_row(dev_results):
    missing = [(item["q"], t) for item, answer, _ in dev_results
               for t in item["expect"].get("options", [])
               if t not in {o.treatment for o in answer.options}]
    assert missing == []


def test_understood_lists_facets_context_and_therapies_not_held(asker):
    a = asker.ask("I'm on apixaban - is turmeric or a cortisone jab ok for my knee?", "patient",
                  "dev-understood")
    assert "interaction" in a.understood.facets
    assert "anticoagulant" in a.understood.context
    assert "corticosteroid" in a.understood.treatments
    assert any("turmeric" in n.lower() for n in a.understood.not_held) or "turmeric" in \
        a.understood.treatments


def test_a_place_whose_rules_we_do_not_hold_is_named_not_swapped(asker):
    a = asker.ask("Are stem cell injections legal in Australia? A clinic in Sydney offers them",
                  "patient", "dev-place-au")
    assert a.understood.jurisdiction == "AU"
    assert "Australia" in a.summary and "cannot say whether it is legal there" in a.summary
    us = asker.ask("a clinic in Tijuana says the cells are not allowed in the US. is it actually "
                   "illegal to get them in america", "patient", "dev-place-us")
    assert us.understood.jurisdiction == "US"


def test_comparison_never_names_an_unproven_option_as_strongest(asker):
    a = asker.ask("BMAC vs Arthrosamid for my knee, which has better evidence behind it?",
                  "patient", "dev-strongest")
    assert "strongest evidence of benefit is for" not in a.summary
    assert "None of these has strong evidence" in a.summary


def test_nerve_conditions_sharing_a_joint_are_out_of_scope(asker):
    a = asker.ask("can a steroid injection help my carpal tunnel? hands go numb at night",
                  "patient", "dev-carpal")
    assert a.options == [] and "carpal tunnel" in a.summary


def test_which_injection_while_losing_weight_asks_about_injections(asker):
    a = asker.ask("my BMI is 42 and the surgeon won't replace my knee till I lose weight. which "
                  "injection could bridge me while I try?", "patient", "dev-bridge")
    assert "weight-management" not in a.understood.treatments
    assert {"corticosteroid", "hyaluronic-acid"} <= {o.treatment for o in a.options}


RED_FLAG_CASES = [
    # (question, the flag expected, or None when nothing is happening now)
    ("quick one about PRP for my knee, sorry if this rambles, ive had a crushing pain in my "
     "chest for 20 min going down my left arm. is prp worth it", "heart-attack"),
    ("Mum is due her hip steroid on thursday. this morning her face dropped on one side and "
     "her speech is slurred. should we postpone", "stroke"),
    ("had a shoulder jab on tuesday, today she's burning up and the shoulder is puffy and red",
     "joint-infection"),
    ("on aspirin after a heart attack in the summer, can i have PRP in my shoulder", None),
    ("had a stroke in 2019, fully recovered. can I have a knee steroid injection", None),
    ("I can't lift my arm above my head with this shoulder arthritis, would a jab help", None),
    ("if I got chest pain after the injection what should I do", None),
    ("is it normal to be in agony after PRP? 2 days later the knee is the most painful its "
     "ever been and i cant bend it", "severe-reaction-after-injection"),
    ("I'm in agony with my hip while I wait for the replacement, can I have a steroid "
     "injection to get me through", None),
]


@pytest.mark.parametrize("question,flag", RED_FLAG_CASES, ids=[c[1] or c[0][:30]
                                                               for c in RED_FLAG_CASES])
def test_red_flags_read_what_is_happening_now(asker, question, flag):
    a = asker.ask(question, "patient", None)
    assert a.safety.urgent is (flag is not None)
    if flag:
        assert flag in a.safety.red_flags
        assert "999" in a.summary or "111" in a.summary


@pytest.mark.parametrize("question, side", [
    ("my knee replacement is booked for 5 weeks from now. is it ok to have another cortisone "
     "jab before then", "inside"),
    ("The surgeon has put me down for a new hip in about 8 months. Can I still have a steroid "
     "injection now?", "beyond"),
])
def test_the_time_to_an_operation_is_set_against_the_window_studied(asker, question, side):
    a = asker.ask(question, "patient", None, save=False)
    first = a.summary.split(". ")[0] + ". " + a.summary.split(". ")[1]
    assert first.startswith("You said your operation is in") and side in first, a.summary
    assert "3 months" in a.summary


def test_the_most_urgent_advice_comes_first(asker):
    a = asker.ask("my left calf has been sore and puffy since the weekend and today i'm "
                  "puffed out just walking to the kitchen. I had a hip injection a fortnight "
                  "ago", "patient", None, save=False)
    assert a.safety.red_flags[:1] == ["clot-in-lung"], a.safety.red_flags
    assert "999" in a.summary and "Get help today" not in a.summary, a.summary  # top tier
    urgent = next(x.text for x in a.sections if x.id == "urgent")
    assert urgent.index("999") < urgent.index("111"), urgent  # the section keeps both


def test_a_fall_is_not_read_as_a_reaction_to_an_injection_never_had(asker):
    a = asker.ask("tripped over the dog on the stairs last night and now I can't put any weight "
                  "on my bad knee at all. would a steroid shot help?", "patient", None,
                  save=False)
    assert a.safety.red_flags == ["possible-fracture"], a.safety.red_flags


def test_a_known_harm_leads_the_risks_before_a_small_studys_reassurance(asker):
    a = asker.ask("are exosome shots worth trying for my arthritic knee", "patient", None,
                  save=False)
    risks = next(s for s in a.sections if s.id == "safety").text.split("\n")
    assert "No harms were reported" not in risks[0], risks


def test_does_it_work_is_answered_against_placebo_first(asker):
    a = asker.ask("is platelet rich plasma any good for an arthritic knee or is it a con",
                  "patient", None, save=False)
    shown = next(s for s in a.sections if s.id == "evidence").text.lower()
    assert re.search(r"placebo|salt[- ]water|saline|sham", shown), shown


def test_osteoarthritis_named_as_ones_own_keeps_the_question_in_scope(asker):
    own = asker.ask("I have rheumatoid arthritis as well as OA and I take methotrexate. does that "
                    "change whether I can have a steroid jab in my OA knee?", "patient", None)
    friend = asker.ask("I have rheumatoid arthritis in both knees. Can I have hyaluronic acid "
                       "injections like my friend who has osteoarthritis?", "patient", None)
    assert own.options and not friend.options


# -- narrower questions within a facet (data/lexicon/facets.yaml `aspects`) ----------------
@pytest.mark.parametrize("question, wanted, unwanted", [
    # "how many a year" is answered by a limit, not by a trial's schedule
    ("how many steroid injections can I have in my knee per year? my GP says 3 max",
     r"\b(a year|apart)\b", r"every 3 months for 2 years"),
    ("is there a maximum number of cortisone shots I can have in my hip in a year",
     r"\b(a year|apart)\b", None),
    # an infection rate asked for: none measured for PRP, so say so, then the general rate
    ("what's the actual chance of getting an infection from a PRP knee injection, in numbers",
     r"no infection rate measured for PRP.*\d+ in [\d,]+", None),
    # Medicare is a payer, not a therapy; its rule is the answer
    ("will medicare cover gel shots for my knee? I live in Texas", r"Medicare",
     r"hold no evidence on medicare"),
    # on the day: the blood is taken first; honest where nothing is held
    ("having PRP in my knee next week, do they take blood from me first and can I drive after",
     r"own blood is taken.*(no checked advice on driving)", None),
    # side effects asked: common ones, not the rare joint-damage series first
    ("what are the side effects of a steroid injection in the shoulder",
     r"flush\w*", r"^Doctors have described four kinds"),
    # does it hurt: numbing at the time, and the short flare after
    ("getting a cortisone jab in my hip tomorrow - will it be sore for days after?",
     r"numb.*flare", None),
    # one more after several: the spacing and yearly advice, and what repeated shots did
    ("had 3 cortisone injections in my knee this year, can I get a 4th?",
     r"apart.*cartilage", r"Zilretta"),
    # a payer's spacing rule answers "how often can a course be repeated"
    ("my durolane gel course helped my knee, how often can I repeat it?",
     r"6 months apart", None),
    # advice on joint injections in general answers when none is specific to the product,
    # and says so; "nothing specific to a recent injection" is never said
    ("had an Ostenil shot in my knee in Cork 8 weeks ago, when can I have another?",
     r"no firm advice.*in general.*3 months apart", r"specific to a recent injection"),
])
def test_the_narrower_question_is_answered_first(asker, question, wanted, unwanted):
    a = asker.ask(question, "patient", None, save=False)
    assert re.search(wanted, a.summary, re.I | re.S), a.summary
    if unwanted:
        assert not re.search(unwanted, a.summary, re.I), a.summary


def test_a_harm_question_leads_with_controlled_evidence_before_a_single_series(asker):
    a = asker.ask("can a steroid jab in the hip make the joint collapse? a friend needed a new "
                  "hip months later", "patient", None, save=False)
    trials = a.summary.find("controlled trials")
    series = a.summary.find("1 in 5")
    assert trials >= 0 and (series < 0 or trials < series), a.summary


def test_situation_evidence_on_one_option_is_not_passed_off_for_another(asker):
    a = asker.ask("type 2 diabetic here. would PRP push my sugars up like a steroid injection "
                  "does?", "patient", None, save=False)
    assert re.search(r"no evidence on PRP[^.]*specific to diabetes", a.summary), a.summary
    assert re.search(r"blood sugar", a.summary), a.summary


def test_blood_thinner_advice_on_joint_injections_applies_to_gel_shots(asker):
    a = asker.ask("I take apixaban. can I still have a hyaluronic acid injection in my knee?",
                  "patient", None, save=False)
    assert "blood thinners do not rule out" in a.summary, a.summary


def test_safety_answers_close_with_the_warning_signs_when_there_is_room(asker):
    a = asker.ask("is PRP safe?", "patient", None, save=False)
    assert re.search(r"red, hot and swollen", a.summary), a.summary
    # and a non-injection treatment never gets the injection warning
    b = asker.ask("are glucosamine tablets safe for my knees?", "patient", None, save=False)
    assert "after a joint shot" not in b.summary, b.summary


def test_how_long_will_i_be_there_is_not_how_long_it_lasts(asker):
    a = asker.ask("having a steroid injection in my knee tomorrow, how long will I be there?",
                  "patient", None, save=False)
    assert "duration" not in a.understood.facets and "procedure" in a.understood.facets


def test_a_keyhole_clean_out_is_arthroscopy(asker):
    a = asker.ask("my surgeon suggests a keyhole clean out of my knee instead of injections, "
                  "good idea?", "patient", None, save=False)
    assert a.understood.treatments == ["arthroscopy"], a.understood.treatments
    assert re.search(r"against", a.summary), a.summary


def test_urgent_advice_outside_the_uk_says_to_use_the_local_numbers(asker):
    a = asker.ask("had a cortisone shot in my knee in Texas 3 days ago, now it's red, hot and "
                  "swollen and I have a fever", "patient", None, save=False)
    assert a.safety.urgent
    text = " ".join([a.summary, *(x.text for x in a.sections)])
    assert not re.search(r"\b999\b|NHS 111|A&E", text), a.summary
    assert re.search(r"emergency room", a.summary), a.summary
    b = asker.ask("in Perth, Australia: 20 min after my gel shot my lips are swelling and I'm "
                  "wheezing", "patient", None, save=False)
    assert b.safety.urgent and re.search(r"\b000\b", b.summary), b.summary
    c = asker.ask("had a cortisone shot in my knee in Tijuana 3 days ago, now it's red, hot and "
                  "swollen and I have a fever", "patient", None, save=False)
    c_text = " ".join([c.summary, *(x.text for x in c.sections)])
    assert c.safety.urgent and not re.search(r"\b999\b|NHS 111|A&E", c_text), c.summary
    assert "emergency department" in c.summary  # a place we hold no numbers for: its own
    uk = asker.ask("had a cortisone shot in my knee in Leeds 3 days ago, now it's red, hot and "
                   "swollen and I have a fever", "patient", None, save=False)
    assert uk.safety.urgent and "not in the UK" not in uk.summary


def test_routine_answers_abroad_name_no_uk_service(asker):
    """The warning signs after an injection, in a routine answer for a place we recognise but
    hold no numbers for, name that place's services, not the NHS's."""
    for q in ("Living in Bangkok: what side effects can a gel injection in the knee have?",
              "my doctor in Cape Town offered a hip steroid injection, what are the risks?"):
        a = asker.ask(q, "patient", None, save=False)
        text = " ".join([a.summary, *(x.text for x in a.sections)])
        assert not a.safety.urgent and a.understood.jurisdiction not in (None, "UK"), q
        assert not re.search(r"\b999\b|NHS 111|A&E", text), (q, text[:300])


def test_a_procedure_had_before_is_history_when_an_injection_is_asked(asker):
    a = asker.ask("Years ago my shoulder became infected following an arthroscopy. Would any "
                  "injection in that shoulder be safe now?", "patient", None, save=False)
    assert "arthroscopy" not in a.understood.treatments, a.understood
    assert a.understood.profile.get("tried") == ["arthroscopy"], a.understood
    assert "joint-infection-history" in a.understood.context, a.understood
    b = asker.ask("Is an arthroscopy better than injections for my knee?", "patient", None,
                  save=False)
    assert "arthroscopy" in b.understood.treatments  # asked about, not history


def test_hold_off_is_putting_off_the_injection_not_stopping_a_medicine(asker):
    a = asker.ask("I'm breast-feeding twins. Is it better to hold off on a knee gel injection "
                  "for a few months?", "patient", None, save=False)
    assert "whether to pause any of your medicines" not in a.summary, a.summary


def test_both_parts_of_how_long_and_how_many_are_answered(asker):
    a = asker.ask("Got a Kenalog shot in my shoulder last month. How long should it work for, "
                  "and what's the most I can have per year?", "patient", None, save=False)
    assert {"duration", "dosing"} <= set(a.understood.facets), a.understood
    assert re.search(r"weeks|months", a.summary) and re.search(r"a year", a.summary), a.summary


def test_a_situation_held_only_in_unchecked_records_says_so(asker):
    """Records on advanced OA that are not yet checked against their source are not shown to
    patients; the answer says 'no checked evidence', not 'no evidence'."""
    a = asker.ask("My dad is 81, his knee is bone on bone and he can't have surgery because of "
                  "his heart. Which injections could still help him?", "patient", None,
                  save=False)
    assert "advanced-oa" in a.understood.context
    assert "no checked evidence" in a.summary and "still being checked" in a.summary, a.summary


def test_a_word_of_a_brand_does_not_name_a_journal(asker):
    """"Synvisc-One" names a product; its "One" is not the journal PLOS ONE, so an HA-vs-HA
    trial in that journal never leads a question on the gel against Synvisc-One."""
    a = asker.ask("Was the knee gel Arthrosamid as good as Synvisc-One in the randomised "
                  "trial?", "clinician", None, save=False)
    assert not a.summary.startswith("Maheu"), a.summary
    assert re.search(r"iPAAG|polyacrylamide", a.summary.split(".")[0]), a.summary
    b = asker.ask("what did the big BMJ review find about gel injections?", "patient", None,
                  save=False)
    assert re.search(r"169 trials", b.summary), b.summary  # a journal named whole still names


def test_a_study_named_alone_brings_its_treatment(asker):
    """A question naming a study we hold and no treatment is about that study's treatment and
    joint, not a therapy we lack and not out of scope."""
    a = asker.ask("RESTORE trial: what were the cartilage MRI results?", "clinician", None,
                  save=False)
    assert a.in_scope and a.understood.treatments == ["prp"] and not a.understood.not_held
    assert a.summary.startswith("RESTORE"), a.summary
    b = asker.ask("What does a knee arthritis injection do?", "patient", None, save=False)
    assert not b.understood.not_held  # no study named: nothing added


def test_a_situation_question_naming_no_injection_stays_on_the_situation(asker):
    """'I take rivaroxaban: can I have a hip injection?' is answered on blood thinners and
    safety, without the general evidence, guidelines and approvals of every usual injection."""
    a = asker.ask("I take rivaroxaban for my heart. Can I get a hip injection, or must I stop "
                  "it first?", "patient", None, save=False)
    ids = [s.id for s in a.sections]
    assert "context" in ids and not {"evidence", "guidelines", "regulatory"} & set(ids), ids
    assert re.search(r"blood thinner", a.summary), a.summary
    b = asker.ask("Do knee injections work?", "patient", None, save=False)
    assert "evidence" in [s.id for s in b.sections]  # a question about the injections


def test_breastfeeding_is_not_read_as_pregnancy(asker):
    a = asker.ask("Is a cortisone injection in my knee ok while breast-feeding my 3 month old?",
                  "patient", None, save=False)
    assert a.understood.context == ["breastfeeding"], a.understood
    assert "If you are pregnant" not in a.summary and "breastfeeding" in a.summary, a.summary
    b = asker.ask("I'm 20 weeks pregnant, can I have a steroid shot in my hip?", "patient", None,
                  save=False)
    assert "pregnancy" in b.understood.context and "breastfeeding" not in b.understood.context


def test_an_allergy_told_as_a_standing_fact_is_not_an_emergency(asker):
    a = asker.ask("I have a bad allergy to eggs and feathers (I get wheezy). are gel injections "
                  "made from rooster combs safe for me?", "patient", None, save=False)
    assert not a.safety.urgent, a.summary
    assert re.search(r"allergic|combs", a.summary), a.summary


@pytest.mark.parametrize("question", [
    "clinics near me quoted for PRP injections, how many do I need?",
    "is ozone a proven treatment for knee arthritis or is it snake oil?",
    "how long between injections of hyaluronic acid in the knee?",
    "is GAE better than injections for knee arthritis?",
    "medicare said part B pays but the PRP is $900 out of pocket per shot, worth it?",
    # comparators and connectives
    "is PRP any better than a placebo injection for knee arthritis?",
    "either PRP or steroid for my knee, which is better?",
    # what is left when a frame's known therapy is trimmed, words next to a preposition,
    # clauses, people and places
    "do hyaluronic acid injections work for hip arthritis",
    "what's the usual rate per injection for PRP in a private clinic?",
    "is it normal for my knee to ache the day after a steroid shot?",
    "my dad (81) has had two steroid jabs in his hip, would he be ok with a third?",
    "melbourne - can a GP inject PRP into my knee here?",
])
def test_ordinary_words_are_never_read_as_therapies(asker, question):
    a = asker.ask(question, "patient", None, save=False)
    assert not a.understood.not_held, a.understood.not_held


def test_efficacy_questions_answer_the_narrower_point_after_the_verdict(asker):
    a = asker.ask("can exosome injections regrow cartilage in my knee? the clinic showed MRI "
                  "pictures", "patient", None, save=False)
    assert re.search(r"unclear|may|little", a.summary.split(".")[0]), a.summary
    assert re.search(r"cartilage", a.summary), a.summary
    b = asker.ask("What is the pooled effect of PRP vs saline on knee OA pain at 12 months, and "
                  "does it exceed the MCID?", "clinician", None, save=False)
    assert re.search(r"MCID|clinically|12 months", b.summary), b.summary


def test_figures_to_quote_on_a_consent_form_are_not_a_price_question(asker):
    a = asker.ask("What incidence figures should we quote on our consent form for osteonecrosis "
                  "after hip steroid injections?", "clinician", None, save=False)
    assert "cost" not in a.understood.facets, a.understood.facets


@pytest.mark.parametrize("question, audience, wanted", [
    ("my consultant wants to use the long-acting triamcinolone rather than the normal one in "
     "my knee - any better?", "patient", r"slow-release|standard"),
    ("Evidence for extended-release vs immediate-release IA triamcinolone in knee OA?",
     "clinician", r"extended-release|immediate-release|long-acting"),
    ("does it matter if my PRP is leukocyte rich, the clinic says theirs has white cells",
     "patient", r"white blood cells|leukocyte"),
    ("should my knee steroid be given under ultrasound or is landmark-guided fine",
     "patient", r"scan|ultrasound"),
])
def test_a_form_asked_by_name_is_answered_first(asker, question, audience, wanted):
    """A form of a treatment named in the question (slow-release, leukocyte content, image
    guidance) leads the short answer with the records that speak to that form."""
    a = asker.ask(question, audience, None, save=False)
    first = a.summary.split("[")[0]
    assert re.search(wanted, first, re.I), a.summary
    assert not a.understood.not_held, a.understood.not_held


@pytest.mark.parametrize("question, wanted", [
    ("is the long acting steroid jab better than the standard one for my knee?",
     r"no result of a slow-release steroid shot measured against a standard one"),
    ("would an ultrasound guided hip injection be better than one done blind?",
     r"no trial result on whether a scan to guide the needle"),
])
def test_a_form_set_against_its_counterpart_says_when_no_result_is_held(asker, question,
                                                                        wanted):
    """"Is the slow-release one better than the standard one?": a trial that only lists its
    arms is no result; with none held, the answer says so, first."""
    a = asker.ask(question, "patient", None, save=False)
    assert re.search(wanted, a.summary.split("[")[0], re.I), a.summary


def test_a_products_name_is_not_a_study_named(asker):
    """"Zilretta" names a product: its label is not a study the person asked about."""
    a = asker.ask("Is Zilretta better than a normal steroid shot for my knee?", "patient",
                  None, save=False)
    assert not a.summary.startswith("In the US"), a.summary


def test_a_study_of_one_product_of_two_kinds_is_not_a_head_to_head(asker):
    """Bone marrow cells are stem cells too: a registry of them compared nothing; nor did
    a trial that gave BMAC with PRP against exercise compare BMAC with PRP."""
    a = asker.ask("bmac or adipose stem cells for my knee, which has more trial evidence?",
                  "patient", None, save=False)
    assert "registry" not in a.summary.split(".")[0], a.summary
    b = asker.ask("BMAC versus PRP for knee OA: randomised evidence?", "clinician", None,
                  save=False)
    assert "exercise" not in b.summary.split("[")[0], b.summary


def test_a_form_with_nothing_held_is_declined_plainly(asker):
    a = asker.ask("is a repeat course of ozone injections for my knee worth it?", "patient",
                  None, save=False)
    assert re.search(r"no evidence on repeat courses", a.summary, re.I), a.summary


def test_a_guideline_body_named_leads_and_is_never_a_therapy(asker):
    a = asker.ask("What is the AAOS stance on steroid injections for knee arthritis, and will "
                  "it change soon?", "patient", None, save=False)
    assert not a.understood.not_held, a.understood.not_held
    assert "guidelines" in a.understood.facets
    assert re.search(r"AAOS|surgeons", a.summary.split(".")[0]), a.summary
    assert re.search(r"no record of any planned change", a.summary), a.summary


def test_clinician_card_states_each_guideline_once_with_its_direction(asker):
    a = asker.ask("IA hyaluronic acid for knee OA: summary of the evidence", "clinician", None,
                  save=False)
    verdict = a.options[0].verdict
    bodies = re.findall(r"(\b[A-Z][A-Za-z/]+) (\d{4}): ", verdict.split("guidelines:")[-1])
    assert len(bodies) == len(set(bodies)), verdict
    assert re.search(r"NICE 2022: against", verdict), verdict


@pytest.mark.parametrize("question", [
    "are fish oil capsules or glucosamine any use for my hip arthritis",
    "my knee physio suggests acupuncture, is there evidence",
])
def test_injection_advice_is_kept_to_injected_treatments(asker, question):
    a = asker.ask(question, "patient", None, save=False)
    text = " ".join(s.text for s in a.sections)
    assert not re.search(r"after any joint injection|will be injected", text, re.I), text


def test_another_countrys_figures_are_labelled_as_such(asker):
    a = asker.ask("how much would PRP in my knee cost in Dublin?", "patient", None, save=False)
    assert re.search(r"no figures or rules for Ireland itself\. The nearest we hold: In Germany",
                     a.summary), a.summary
    b = asker.ask("how much would PRP in my knee cost in Germany?", "patient", None, save=False)
    assert "no figures or rules for" not in b.summary, b.summary


def test_the_kind_of_blood_thinner_taken_leads_and_stopping_it_alone_is_advised_against(asker):
    a = asker.ask("I take rivaroxaban for my heart - should I come off it before my knee "
                  "steroid jab?", "patient", None, save=False)
    first = a.summary.split("[")[0]
    assert not re.search(r"warfarin", first, re.I), a.summary
    assert re.search(r"do not stop|no need to stop", a.summary, re.I), a.summary


def test_commentary_never_opens_an_answer_on_harm_when_a_study_is_held(asker):
    a = asker.ask("what are the risks of a cortisone shot in my knee for someone in their 30s?",
                  "patient", None, save=False)
    assert not a.summary.startswith("Experts replying"), a.summary


def test_a_question_on_the_quality_of_the_evidence_is_answered(asker):
    a = asker.ask("are the studies on hyaluronic acid for knees any good, or is there a risk of "
                  "bias?", "patient", None, save=False)
    assert re.search(r"bias|weak|trials?|quality", a.summary, re.I), a.summary


def test_a_stage_with_nothing_held_is_said_after_the_answer(asker):
    a = asker.ask("my knee is end-stage, would a steroid or a gel injection still help?",
                  "patient", None, save=False)
    assert "advanced-oa" in a.understood.context
    assert re.search(r"specific to advanced osteoarthritis|advanced", a.summary), a.summary
    assert not a.summary.startswith("We hold no evidence"), a.summary


def test_whether_to_pause_a_medicine_is_answered_or_declined(asker):
    a = asker.ask("I'm on methotrexate - do I have to come off it before a knee steroid "
                  "injection?", "patient", None, save=False)
    assert re.search(r"pause|stop", a.summary), a.summary


@pytest.mark.parametrize("question, wanted", [
    ("What did the RESTORE trial find about PRP injections for knee arthritis?",
     r"288|salt-water|placebo"),
    # a review named by its journal
    ("what did that big BMJ meta-analysis of gel shots for knees conclude?",
     r"169 trials|too small"),
])
def test_a_study_named_in_the_question_answers_first(asker, question, wanted):
    a = asker.ask(question, "patient", None, save=False)
    assert re.search(wanted, a.summary.split("[")[0]), a.summary
    assert not a.understood.profile.get("previous"), a.understood.profile


@pytest.mark.parametrize("question", [
    "What is BMAC? My surgeon suggested trying it before a knee replacement",
    "what exactly is Arthrosamid?",
])
def test_what_is_it_is_answered_as_what_it_is(asker, question):
    a = asker.ask(question, "patient", None, save=False)
    assert a.understood.facets[0] == "mechanism", a.understood.facets
    assert "planned_surgery" not in a.understood.profile, a.understood.profile


def test_each_form_asked_gets_its_own_answer(asker):
    a = asker.ask("For knee OA PRP, do white cell content and the platelet dose matter?",
                  "clinician", None, save=False)
    assert re.search(r"leukocyte", a.summary, re.I), a.summary
    assert re.search(r"platelet dose|x10|billion platelets|platelet concentration", a.summary), \
        a.summary


def test_an_incidence_question_is_answered_with_a_rate(asker):
    a = asker.ask("how common is joint infection after a knee steroid injection - what rate?",
                  "patient", None, save=False)
    assert re.search(r"\d+ in [\d,]+|\d+(\.\d+)?\s?%", a.summary), a.summary


def test_urgent_advice_where_the_place_is_unknown_gives_the_other_numbers_too(asker):
    """No one abroad is told only to call 999: where the place is not said, the emergency
    number of Europe and the US is given beside the UK's, the first time it is said."""
    a = asker.ask("my lips and face are swelling up an hour after my gel shot and I feel "
                  "wheezy", "patient", None, save=False)
    assert a.safety.urgent and a.summary.startswith("Call 999 (112 in Europe, 911 in the US)")
    assert a.summary.count("112") == 1, a.summary
    m = asker.ask("had an ostenil shot in munich this morning, now my lips and face are swelling",
                  "patient", None, save=False)
    assert m.safety.urgent and "112" in m.summary and "999" not in m.summary, m.summary
    b = asker.ask("had PRP in Denver 9 days ago, my calf is swollen and now I'm breathless on "
                  "the stairs", "patient", None, save=False)
    assert b.safety.urgent and "911" in b.summary and "999" not in b.summary, b.summary


def test_the_national_guideline_body_of_the_place_asked_leads_the_guideline_clause(asker):
    """A Bristol GP follows NICE: its stance is said, not "guidelines disagree"."""
    a = asker.ask("do gel injections help knee arthritis? my GP in Bristol won't offer them",
                  "patient", None, save=False)
    assert "In the UK, NICE advises against it" in a.summary, a.summary
    b = asker.ask("do gel injections help knee arthritis?", "patient", None, save=False)
    assert "In the UK, NICE" not in b.summary, b.summary


def test_every_place_asked_about_gets_its_approval_line(asker):
    a = asker.ask("Is Arthrosamid legal in Ireland? And is it approved in the US, my sister "
                  "lives in Texas", "patient", None, save=False)
    assert re.search(r"Europe", a.summary) and re.search(r"FDA", a.summary), a.summary


def test_a_joint_infected_before_is_the_persons_situation_and_names_the_joint(asker):
    a = asker.ask("I had a septic knee after an arthroscopy years ago - is it risky to have "
                  "PRP in that knee now?", "patient", None, save=False)
    assert "joint-infection-history" in a.understood.context and "knee" in a.understood.joints
    assert "specific to a joint that has been infected" in a.summary, a.summary
    assert not a.safety.urgent


def test_surgery_not_yet_considered_is_not_an_operation_booked(asker):
    a = asker.ask("Does the steroid jab in my knee work or is it just placebo? My GP says it's "
                  "the last thing to try before they think about surgery", "patient", None,
                  save=False)
    assert "planned-joint-replacement" not in a.understood.context, a.understood.context
    assert re.search(r"placebo|dummy", a.summary), a.summary


def test_a_product_named_before_its_kind_is_kept_by_name(asker):
    """"CartiRegen Plus collagen injections": the product is not held, whatever we hold on
    collagen injections; and evidence on collagen swallowed never grades an injection."""
    a = asker.ask("saw an ad for CartiRegen Plus collagen injections for my knee, do they "
                  "work?", "patient", None, save=False)
    assert a.understood.not_held == ["cartiregen"], a.understood.not_held
    assert a.summary.startswith("We hold no evidence on cartiregen"), a.summary
    assert a.understood.treatments == ["collagen-injection"], a.understood.treatments
    assert "supplement" not in a.summary, a.summary


def test_injections_asked_about_generically_are_the_options_not_weight_loss(asker):
    a = asker.ask("my BMI is 38, would knee injections even work for me or do I need to lose "
                  "weight first?", "patient", None, save=False)
    assert "weight-management" not in a.understood.treatments, a.understood.treatments
    assert {o.treatment for o in a.options} >= {"corticosteroid", "hyaluronic-acid"}, a.options
    b = asker.ask("do injections work better than exercise for knee arthritis?", "patient",
                  None, save=False)
    assert "exercise" in b.understood.treatments, b.understood.treatments


def test_results_at_the_times_asked_are_found(asker):
    """"still help at 6 months?": results measured at a stated time answer it, in the short
    answer, before anything on who it suits."""
    a = asker.ask("does a steroid injection in my hip still help at 6 months?", "patient", None,
                  save=False)
    assert re.search(r"\b\d+ months\b", a.summary), a.summary
    assert "who it may suit" not in a.summary, a.summary


def test_someone_elses_injection_is_not_the_persons_own(asker):
    a = asker.ask("Has anyone had ozone injections? A clinic in Madrid offers them for knees, "
                  "do they work?", "patient", None, save=False)
    assert not a.understood.profile.get("previous"), a.understood.profile
    assert "recent injection" not in a.summary, a.summary


def test_the_best_held_for_a_joint_is_never_another_joints_evidence(asker):
    a = asker.ask("BMAC or PRP for my hip arthritis, which is better?", "patient", None,
                  save=False)
    assert "best we hold is for bone marrow" not in a.summary, a.summary


def test_a_situation_with_advice_but_no_studies_says_so(asker):
    a = asker.ask("I'm 20 weeks pregnant, can I have a cortisone injection in my knee?",
                  "patient", None, save=False)
    assert "We hold advice, but no studies, on steroid injection in pregnancy" in a.summary, \
        a.summary


def test_a_regulators_warning_leads_a_safety_answer_wherever_the_person_is(asker):
    """A harm the FDA saw is a harm in Melbourne too; it leads before "no severe harms"."""
    a = asker.ask("A clinic in Melbourne offers stem cell injections for my knee - are they "
                  "safe?", "patient", None, save=False)
    assert a.summary.find("FDA") != -1, a.summary
    reassurance = a.summary.find("No severe harms")
    assert reassurance == -1 or a.summary.find("FDA") < reassurance, a.summary


def test_a_product_we_hold_nothing_on_gets_questions_to_ask_not_out_of_scope(asker):
    a = asker.ask("Has anyone heard of KneeRegen Gold injections? A clinic in Vancouver "
                  "charges $900 a shot for my knee", "patient", None, save=False)
    assert "cannot say whether it works" in a.summary and "What exactly" in a.summary, \
        a.summary
    assert "Synovia covers" not in a.summary and "NHS" not in a.summary, a.summary


def test_injectable_biologics_are_not_a_weak_immune_system(asker):
    a = asker.ask("AAOS on injectable biologics and HA for shoulder OA?", "clinician", None,
                  save=False)
    assert "immunosuppressed" not in a.understood.context, a.understood.context
    b = asker.ask("I'm on a biologic for my RA, is a knee steroid shot riskier?", "patient",
                  None, save=False)
    assert "immunosuppressed" in b.understood.context, b.understood.context


def test_a_known_warning_opens_a_risks_answer_before_reassurance(asker):
    a = asker.ask("how safe are exosome shots for knee arthritis?", "patient", None,
                  save=False)
    first = a.summary.split("[")[0]
    assert re.search(r"FDA|warning|sick", first), a.summary


def test_a_knee_only_product_names_the_knee(asker):
    a = asker.ask("does Zilretta last longer than an ordinary steroid jab?", "patient", None,
                  save=False)
    assert a.understood.joints == ["knee"], a.understood.joints


def test_forms_name_treatments_the_vocabulary_knows():
    """forms.yaml is validated against data/vocab.yaml: a form of an unknown treatment would
    never be answered."""
    from synovia.vocab import Vocabulary
    from synovia.vocab.lexicon import load_lexicon

    root = Path(__file__).resolve().parents[1] / "data"
    vocab = Vocabulary.from_file(root / "vocab.yaml")
    lexicon = load_lexicon(root / "lexicon")
    known = set(vocab.terms["treatment"])
    assert lexicon.forms
    for form in lexicon.forms:
        assert set(form.treatments) | set(form.also) <= known, form.id


@pytest.mark.parametrize("question", [
    "does glucosamine or turmeric work for my knee, or should I go straight to injections?",
    "would cod liver oil help, or go to injections instead?",
])
def test_a_shared_word_never_makes_a_phrase_a_therapy(asker, question):
    """Fuzzy matching compares word by word: "to injections" is not "toxin injections"."""
    a = asker.ask(question, "patient", None, save=False)
    assert "botulinum-toxin" not in a.understood.treatments, a.understood.treatments


def test_better_than_placebo_is_answered_with_the_placebo_controlled_results(asker):
    a = asker.ask("is there proof PRP beats a dummy injection for my knee, or is it all "
                  "placebo effect?", "patient", None, save=False)
    assert re.search(r"288|salt-water", a.summary), a.summary
