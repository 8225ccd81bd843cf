"""Reference data a fresh database starts with (loaded by migration 0002): the council's plain-English list of
kinds of community service, and the information guides. Staff change both afterwards (guides in the admin).

The guides are written for a reading age of about nine: short sentences, everyday words, one idea at a time.
tests/directory/test_guides.py measures every one. The charging figures are the reference's confirmed ones
(Upper and lower capital limits, unchanged since 2010; /work/shared/reference, section 2.2) and the guide says
they can change.
"""

from .code_lists import LOCAL_PREFIX, LOCAL_VOCABULARY

# (slug, name, one line for people searching)
TAXONOMY = [
    ("day-opportunities", "Day opportunities", "Places to go in the day to meet people, learn and do things"),
    ("lunch-clubs", "Lunch clubs", "A hot meal and company, often once or twice a week"),
    ("loneliness", "Loneliness and befriending", "Someone to talk to, visits, phone calls and groups"),
    ("carers", "Carers' support", "Help, breaks and advice for people who look after someone"),
    ("advocacy", "Advocacy", "Someone to help you speak up and be heard"),
    ("personal-budgets", "Personal budgets and direct payments", "Advice on using your own money for your care"),
    ("equipment", "Equipment and adaptations", "Things that make daily life at home easier and safer"),
    ("transport", "Transport and getting about", "Buses, lifts, mobility scooters and wheelchairs"),
    ("dementia", "Dementia support", "Groups, cafés and advice for people living with dementia"),
    ("exercise", "Keeping active", "Gentle exercise, walks and classes"),
    ("home-care", "Care at home", "Registered care agencies that help at home"),
    ("care-homes", "Care homes", "Homes that give care, and some that give nursing"),
    ("support-planning", "Help with support planning", "Help to plan how to use a personal budget"),
    ("advice", "Money and benefits advice", "Free advice about money, bills and benefits"),
    ("mental-health", "Mental health and wellbeing", "Groups and support for your mental health"),
]


def taxonomy_code(slug: str) -> str:
    return LOCAL_PREFIX + slug


GUIDES = [
    {
        "slug": "personal-budgets",
        "title": "What a personal budget is",
        "summary": "A personal budget is the money for your care and support. Find out how it works.",
        "body": """\
A personal budget is money for your care and support.

First we talk with you about your needs. This is called an assessment.
If you need support, we work out how much it will cost. That amount is your personal budget.

We tell you the amount before you make a plan. So you know how much there is to spend.

Your budget shows three things:
- what your care will cost
- how much you pay, if anything
- how much the council pays

You choose how the money is used. You can:
- get the money yourself, as a direct payment
- let the council buy your support for you
- ask a care company to hold the money for you

You can also mix these. There is no right or wrong choice. Pick the one that suits you.

You can change your mind later. Just ask us.""",
    },
    {
        "slug": "direct-payments",
        "title": "Direct payments and being an employer",
        "summary": "A direct payment is money paid to you, so you can buy your own support.",
        "body": """\
A direct payment is money we pay to you. You use it to buy the support in your plan.

The money goes into a bank account just for your care. You keep receipts.
You send us a statement so we can see how it was spent.

You can use it to pay a care company. Or you can pay someone to help you.
This person is called a personal assistant, or PA.

If you pay a PA, you are their employer. That means you have jobs to do:
- agree their pay and hours
- pay them on time
- pay tax for them, if it is due
- have insurance in case something goes wrong

This can sound like a lot. You do not have to do it alone. A payroll service can do the pay and tax for you.
We can tell you who can help.

If you cannot manage the money, someone else can do it for you. They must act in your best interests.

If things go wrong, tell us. We will help you sort it out.""",
    },
    {
        "slug": "individual-service-funds",
        "title": "Individual service funds",
        "summary": "An individual service fund is when a care company holds your budget for you.",
        "body": """\
An individual service fund is a way to use your personal budget. It is often called an ISF.

With an ISF, a care company holds the money for you. You do not have to manage the money yourself.

You still choose how it is spent. You and the company agree a plan. The company then does what you agreed.

An ISF can suit you if:
- you want choice
- but you do not want to manage money or staff

The company must tell you how the money is spent. You can ask to see this at any time.

If you are not happy, you can ask to change. You could move to a direct payment.
Or you could let the council buy your support.""",
    },
    {
        "slug": "assessments",
        "title": "What an assessment involves",
        "summary": "An assessment is a talk about your needs and what matters to you.",
        "body": """\
An assessment is a talk with us about your life. It helps us understand what you need.

It is free. Anyone can ask for one. It does not matter how much money you have.

We will ask about:
- the things you find hard to do
- what matters to you
- what you want to be able to do
- who helps you now

We do not ask about your worst day. We ask about your life as it really is.
If your needs change from day to day, tell us.

You can have someone with you. This could be a friend or a family member.
If there is no one, we may find you an advocate.

If you look after someone, you can have a carer's assessment too.

After the talk, we tell you if you can get support from the council. We give you our reasons in writing.""",
    },
    {
        "slug": "charging",
        "title": "Paying towards your care",
        "summary": "Some people pay towards their care. We look at your money to work out how much.",
        "body": """\
Some care is free. For other care, you may need to pay something.

To work out what you pay, we look at your money. This is called a financial assessment.

We look at:
- your income, such as pensions and benefits
- your savings

We always leave you enough money to live on.

Your home does not count if you get care at home.

Here are the savings limits we use now:
- if you have more than £23,250, you may have to pay the full cost
- if you have less than £14,250, your savings do not count
- in between, we count £1 a week for each £250

These amounts are set by the government. They can change each April.

Some things are always free. Equipment for your home is free.
Short-term help to get back on your feet is free for up to six weeks.

You can [use our online tool](/estimate-my-contribution/) to get a rough idea of what you might pay.""",
    },
    {
        "slug": "advocacy",
        "title": "Advocacy: help to speak up",
        "summary": "An advocate helps you have your say. Find out when you can have one.",
        "body": """\
An advocate is someone who helps you speak up. They make sure your views are heard.

An advocate is on your side. They do not work for the council.

You may find it hard to:
- understand what people tell you
- remember it
- weigh things up
- say what you want

If so, and there is no one to help, we must find you an advocate. This is the law.

An advocate can help when:
- we look at your needs
- we make your plan
- we check how your plan is going
- someone is worried about your safety

It is free. You can ask us for an advocate at any time.""",
    },
    {
        "slug": "raise-a-concern",
        "title": "How to raise a concern",
        "summary": "If you are worried that someone is being hurt or neglected, tell us.",
        "body": """\
You may be worried about an adult. They may be hurt, or not looked after. They may be losing money to someone.

You can tell us. You do not need proof. You do not need to be sure.

Tell us what you know. We will decide what to do next.

If someone is in danger now, call 999.

You can [tell us online](/raise-a-concern/). You do not need to sign in.

You can also tell us if you are not happy with your care. We will listen.
We will tell you what we did about it.""",
    },
]


def load_taxonomy(Taxonomy) -> int:
    """Add the council's terms that are missing (by code). Returns how many were added."""
    have = set(Taxonomy.objects.values_list("code", flat=True))
    new = [
        Taxonomy(code=taxonomy_code(slug), name=name, description=line, vocabulary=LOCAL_VOCABULARY, position=i)
        for i, (slug, name, line) in enumerate(TAXONOMY)
        if taxonomy_code(slug) not in have
    ]
    Taxonomy.objects.bulk_create(new)
    return len(new)


def load_guides(InformationPage) -> int:
    """Add the guides that are missing (by slug); a guide staff have edited is left as it is."""
    have = set(InformationPage.objects.values_list("slug", flat=True))
    new = [InformationPage(position=i, **g) for i, g in enumerate(GUIDES) if g["slug"] not in have]
    InformationPage.objects.bulk_create(new)
    return len(new)
