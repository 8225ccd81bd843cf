"""The first question bank: condition-neutral, outcome-focused, in the person's words.

Every question has wording for the person ("you") and for someone answering for them ("they"). Questions
ask about an ordinary week and what changes when things are harder, never about a "worst day", and never
assume a physical disability: prompting, reminders, reassurance and supervision count as help.
Outcome codes are the regulation's (rules/eligibility.py). Keys listed in FIELD_KEYS are stored on the
Assessment itself, so the rest of the pathway reads them without knowing about the bank.
"""

HELP_HINT_YOU = (
    "Help includes reminders, encouragement, someone keeping you company or keeping an eye on things, "
    "as well as hands-on help. Think about an ordinary week."
)
HELP_HINT_THEY = (
    "Help includes reminders, encouragement, someone keeping them company or keeping an eye on things, "
    "as well as hands-on help. Think about an ordinary week."
)


def _outcome(key, code, section, you, they, applies_to="needs"):
    return {
        "key": key, "code": code, "section": section, "kind": "outcome", "applies_to": applies_to,
        "text_you": you, "text_they": they, "hint_you": HELP_HINT_YOU, "hint_they": HELP_HINT_THEY,
    }  # fmt: skip


def _text(key, section, you, they, hint_you="", hint_they="", kind="text", applies_to="both", **flags):
    return {
        "key": key, "code": "", "section": section, "kind": kind, "applies_to": applies_to,
        "text_you": you, "text_they": they, "hint_you": hint_you, "hint_they": hint_they or hint_you, **flags,
    }  # fmt: skip


QUESTIONS = [
    _text(
        "what_matters",
        "What matters",
        "What matters most to you in your day-to-day life?",
        "What matters most to them in their day-to-day life?",
        "For example people, places, routines, faith, work, pets or things you enjoy.",
        "For example people, places, routines, faith, work, pets or things they enjoy.",
    ),
    _text(
        "wishes_and_outcomes",
        "What matters",
        "What would you like to be different, or to be able to do?",
        "What would they like to be different, or to be able to do?",
        "This helps us plan support around what you want, not just around tasks.",
        "Tell us in their words if you can.",
    ),
    _outcome(
        "outcome_a",
        "a",
        "Eating and drinking",
        "Can you get enough to eat and drink, including getting food in and preparing it?",
        "Can they get enough to eat and drink, including getting food in and preparing it?",
    ),
    _outcome(
        "outcome_b",
        "b",
        "Keeping clean",
        "Can you keep yourself clean, for example washing and bathing?",
        "Can they keep themselves clean, for example washing and bathing?",
    ),
    _outcome(
        "outcome_c",
        "c",
        "Using the toilet",
        "Can you use the toilet and manage continence?",
        "Can they use the toilet and manage continence?",
    ),
    _outcome(
        "outcome_d",
        "d",
        "Getting dressed",
        "Can you dress in clothes that suit the weather and what you are doing?",
        "Can they dress in clothes that suit the weather and what they are doing?",
    ),
    _outcome(
        "outcome_e",
        "e",
        "Being safe at home",
        "Can you use your home safely, including moving around it and using the kitchen and bathroom?",
        "Can they use their home safely, including moving around it and using the kitchen and bathroom?",
    ),
    _outcome(
        "outcome_f",
        "f",
        "Looking after your home",
        "Can you keep your home clean, safe and warm enough, including paying the bills?",
        "Can they keep their home clean, safe and warm enough, including paying the bills?",
    ),
    _outcome(
        "outcome_g",
        "g",
        "Family and friends",
        "Can you keep in touch with family and friends, and make new connections if you want to?",
        "Can they keep in touch with family and friends, and make new connections if they want to?",
    ),
    _outcome(
        "outcome_h",
        "h",
        "Work, learning and volunteering",
        "Can you take part in work, training, education or volunteering if you want to?",
        "Can they take part in work, training, education or volunteering if they want to?",
    ),
    _outcome(
        "outcome_i",
        "i",
        "Getting out and about",
        "Can you use local shops, services, transport and places to enjoy yourself?",
        "Can they use local shops, services, transport and places to enjoy themselves?",
    ),
    _outcome(
        "outcome_j",
        "j",
        "Caring for children",
        "Can you look after any children you are responsible for? If this does not apply, leave it.",
        "Can they look after any children they are responsible for? If this does not apply, leave it.",
    ),
    _outcome(
        "carer_1",
        "1",
        "Caring for children",
        "Can you look after any children you are responsible for?",
        "Can they look after any children they are responsible for?",
        applies_to="carer",
    ),
    _outcome(
        "carer_2",
        "2",
        "Caring for others",
        "Can you care for anyone else you look after, as well as this person?",
        "Can they care for anyone else they look after, as well as this person?",
        applies_to="carer",
    ),
    _outcome(
        "carer_3",
        "3",
        "Looking after your home",
        "Can you keep your own home clean, safe and warm enough?",
        "Can they keep their own home clean, safe and warm enough?",
        applies_to="carer",
    ),
    _outcome(
        "carer_4",
        "4",
        "Eating and drinking",
        "Can you get enough to eat and drink yourself?",
        "Can they get enough to eat and drink themselves?",
        applies_to="carer",
    ),
    _outcome(
        "carer_5",
        "5",
        "Family and friends",
        "Can you keep up your relationships with family and friends?",
        "Can they keep up their relationships with family and friends?",
        applies_to="carer",
    ),
    _outcome(
        "carer_6",
        "6",
        "Work, learning and volunteering",
        "Can you take part in work, training, education or volunteering?",
        "Can they take part in work, training, education or volunteering?",
        applies_to="carer",
    ),
    _outcome(
        "carer_7",
        "7",
        "Getting out and about",
        "Can you use local facilities and services, including places to enjoy yourself?",
        "Can they use local facilities and services, including places to enjoy themselves?",
        applies_to="carer",
    ),
    _outcome(
        "carer_8",
        "8",
        "Time for yourself",
        "Can you take part in things you enjoy doing?",
        "Can they take part in things they enjoy doing?",
        applies_to="carer",
    ),
    _text(
        "typical_week",
        "A typical week",
        "Tell us about a typical week: what you do, and where you get help.",
        "Tell us about a typical week for them: what they do, and where they get help.",
    ),
    _text(
        "needs_fluctuate",
        "A typical week",
        "Do things change from day to day or week to week?",
        "Do things change for them from day to day or week to week?",
        "For example because of your health, your mood, your memory, pain or fatigue.",
        "For example because of their health, their mood, their memory, pain or fatigue.",
        kind="yes_no",
    ),
    _text(
        "fluctuation_frequency",
        "A typical week",
        "If things change, how often do they get harder, and for how long?",
        "If things change, how often do they get harder for them, and for how long?",
        "For example 'two or three days a week' or 'a week every month'.",
        is_optional=True,
    ),
    _text(
        "fluctuation_how_worse",
        "A typical week",
        "When things are harder, what changes and what help do you need?",
        "When things are harder for them, what changes and what help do they need?",
        is_optional=True,
    ),
    _text(
        "supervision",
        "A typical week",
        "Do you need someone to keep an eye on you, to keep you safe?",
        "Do they need someone to keep an eye on them, to keep them safe?",
        "For example because of memory, confusion, seizures or risk of falling.",
        kind="choice",
    ),
    _text(
        "night_support",
        "A typical week",
        "Do you need help or someone nearby at night?",
        "Do they need help or someone nearby at night?",
        kind="choice",
    ),
    _text(
        "needs_from_impairment",
        "Your health",
        "Are these difficulties linked to a health condition, "
        "disability, illness, injury, or to your memory or mental health?",
        "Are these difficulties linked to a health condition, disability, illness, injury, or to their "
        "memory or mental health?",
        "A diagnosis is not needed.",
        kind="yes_no",
        applies_to="needs",
    ),
    _text(
        "needs_from_caring",
        "Your caring role",
        "Do you have these difficulties because of the care you give?",
        "Do they have these difficulties because of the care they give?",
        kind="yes_no",
        applies_to="carer",
    ),
    _text(
        "carer_health_deteriorating",
        "Your caring role",
        "Is caring affecting your own physical or mental health, or putting it at risk?",
        "Is caring affecting their own physical or mental health, or putting it at risk?",
        kind="yes_no",
        applies_to="carer",
    ),
    _text(
        "wellbeing_impact",
        "Your wellbeing",
        "How are these difficulties affecting your wellbeing?",
        "How are these difficulties affecting their wellbeing?",
        "For example your health, safety, relationships, money, or control over your own life.",
        "For example their health, safety, relationships, money, or control over their own life.",
    ),
    _text(
        "significant_impact",
        "Your wellbeing",
        "Overall, are these difficulties having a big effect on your life?",
        "Overall, are these difficulties having a big effect on their life?",
        kind="yes_no",
    ),
    _text(
        "future_hopes",
        "Looking ahead (optional)",
        "Is there anything you hope for in the future?",
        "Is there anything they hope for in the future?",
        "You can skip this. It does not change what support you can get.",
        "You can skip this. It does not change what support they can get.",
        is_optional=True,
        is_future_hopes=True,
    ),
]

# Question keys whose answers live on Assessment fields (yes/no answers become booleans).
FIELD_KEYS = {
    "supervision",
    "night_support",
    "wishes_and_outcomes", "typical_week", "needs_fluctuate", "fluctuation_frequency", "fluctuation_how_worse",
    "needs_from_impairment", "needs_from_caring", "carer_health_deteriorating", "wellbeing_impact",
    "significant_impact",
}  # fmt: skip
