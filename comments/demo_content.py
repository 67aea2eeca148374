"""Demo content for the ``seed_demo`` management command.

Pure data: no Django imports and no imports from the project. Every person,
comment and article paragraph here is invented for demonstration purposes.
The study citations in ``ARTICLES[0]["references"]`` are real publications.
"""

MEMBERS = [
    {
        "key": "member",
        "email": "member@example.com",
        "display_name": "Hannah K.",
        "role": "member",
    },
    {
        "key": "author",
        "email": "author@example.com",
        "display_name": "Miriam Osei",
        "role": "author",
    },
    {
        "key": "moderator",
        "email": "moderator@example.com",
        "display_name": "Jonas B.",
        "role": "moderator",
    },
    # Established members
    {
        "key": "frank",
        "email": "frank@example.com",
        "display_name": "Frank in Ohio",
        "role": "member",
    },
    {
        "key": "dee",
        "email": "dee@example.com",
        "display_name": "Dee M.",
        "role": "member",
    },
    {
        "key": "colm",
        "email": "colm@example.com",
        "display_name": "Colm O'Brien",
        "role": "member",
    },
    {
        "key": "gareth",
        "email": "gareth@example.com",
        "display_name": "Gareth W.",
        "role": "member",
    },
    {
        "key": "priya",
        "email": "priya@example.com",
        "display_name": "Priya S.",
        "role": "member",
    },
    {
        "key": "marco",
        "email": "marco@example.com",
        "display_name": "Marco T.",
        "role": "member",
    },
    {
        "key": "aisha",
        "email": "aisha@example.com",
        "display_name": "Aisha R.",
        "role": "member",
    },
    {
        "key": "ruth",
        "email": "ruth@example.com",
        "display_name": "Ruth in Leeds",
        "role": "member",
    },
    {
        "key": "tomasz",
        "email": "tomasz@example.com",
        "display_name": "Tomasz",
        "role": "member",
    },
    {
        "key": "lena",
        "email": "lena@example.com",
        "display_name": "Lena-Marie",
        "role": "member",
    },
    # New members whose first comments sit in the moderation queue
    {
        "key": "rosa",
        "email": "rosa@example.com",
        "display_name": "Rosa G.",
        "role": "member",
    },
    {
        "key": "ines",
        "email": "ines@example.com",
        "display_name": "Ines V.",
        "role": "member",
    },
    {
        "key": "quickmeds",
        "email": "quickmeds@example.com",
        "display_name": "QuickMeds Online 24",
        "role": "member",
    },
    {
        "key": "gus",
        "email": "gus@example.com",
        "display_name": "Natural Healer Gus",
        "role": "member",
    },
]


LDN_SLUG = "low-dose-naltrexone-multiple-sclerosis"
NEURO_SLUG = "talking-to-your-neurologist-about-off-label-treatments"


ARTICLES = [
    {
        "slug": LDN_SLUG,
        "title": "Low-dose naltrexone for multiple sclerosis: what the small trials do and don't tell us",
        "lede": (
            "Low-dose naltrexone is cheap, widely discussed and loved by many people who take it, "
            "yet it remains an unapproved, off-label option for MS. Here is what the published "
            "studies actually found, and how to raise it with your MS team."
        ),
        "body": (
            "<p>Low-dose naltrexone, usually shortened to LDN, comes up again and again whenever people "
            "with multiple sclerosis compare notes. It costs little, it is taken as one small dose at "
            "bedtime, and many people who use it speak about it warmly. Yet it is not an approved MS "
            "treatment anywhere, and most neurologists will tell you the evidence is thin. Both of those "
            "things are true, and this article tries to explain why.</p>\n"
            "<h2>What LDN is</h2>\n"
            "<p>Naltrexone is an old medicine whose patent expired long ago. At its standard dose of "
            "50 mg it blocks opioid receptors, and it is prescribed to support people recovering from "
            "alcohol or opioid dependence. “Low dose” means a tenth of that or less: people "
            "with MS who use it are typically prescribed between 1.5 mg and 4.5 mg a night. Because "
            "tablets that small are not made as a standard product, the doses are usually prepared by a "
            "compounding pharmacy on a doctor’s prescription.</p>\n"
            "<p>Nobody is entirely sure how such a small dose would help. One long-standing idea is that "
            "blocking opioid receptors for a few hours overnight prompts the body to make more of its own "
            "endorphins. A newer idea, set out in a 2014 review from Stanford researchers, is that LDN "
            "calms <em>microglia</em>, the resident immune cells of the brain and spinal cord, through a "
            "route that does not involve opioid receptors at all [4]. That review was about chronic pain "
            "rather than MS, and its authors stressed that the published trials were small and rarely "
            "repeated, but it helps explain why the drug keeps attracting interest from people living "
            "with inflammatory and painful conditions.</p>\n"
            "<h2>The trials in multiple sclerosis</h2>\n"
            "<p>The best-known study comes from the MS centre at the University of California, "
            "San Francisco [1]. Eighty people with MS enrolled and 60 completed it. Each spent eight weeks "
            "taking 4.5 mg of naltrexone every night and eight weeks taking a placebo, without knowing "
            "which was which. During the LDN weeks, participants scored better on questionnaires about "
            "mental health, the impact of pain on daily life, and self-reported problems with thinking "
            "and memory. Measures of physical quality of life did not change. The drug was well "
            "tolerated and caused no serious side effects, although vivid dreams were reported. The "
            "investigators themselves noted that the many dropouts and some data-handling errors reduced "
            "the study’s power to detect differences.</p>\n"
            "<p>A smaller Italian pilot study enrolled 40 people with primary progressive MS, a form of "
            "the disease with very few treatment options, and followed them for six months [2]. Its main "
            "purpose was to check safety. Five people dropped out and two major adverse events were "
            "recorded, but most side effects were mild and did not get in the way of daily life. "
            "Spasticity was significantly lower by the end of the study, blood levels of beta-endorphin "
            "rose, and disability worsened in only one participant.</p>\n"
            "<p>The largest of the three trials, run at two universities in Iran, included 96 people with "
            "relapsing-remitting or secondary progressive MS and lasted 17 weeks, again using a "
            "placebo-controlled crossover design [3]. This time LDN made no statistically meaningful "
            "difference to any of the quality-of-life areas measured, including pain, energy, emotional "
            "well-being, thinking and sexual function. The authors did conclude that the drug was "
            "relatively safe.</p>\n"
            "<p>Beyond these trials, much of what circulates about LDN rests on personal stories and "
            "single case reports. One frequently shared example describes one patient with a rare tongue "
            "cancer who stayed in long-term remission while taking LDN together with vitamin D3 [5]. "
            "Reports like that can be a good reason to design a proper study, but on their own they "
            "cannot show that the drug caused the outcome, and they tell us nothing directly about "
            "MS.</p>\n"
            "<h2>Reading the evidence fairly</h2>\n"
            "<p>Put together, the picture is genuinely mixed. One small crossover trial found modest "
            "improvements in how people felt, a somewhat larger one found no difference, and a safety "
            "study in progressive MS found the drug well tolerated. None of these studies was designed "
            "to show whether LDN reduces relapses, slows the build-up of disability or changes what "
            "appears on an MRI scan, which are the outcomes the approved disease-modifying therapies "
            "have been tested against. Answering those questions would take larger and longer trials, "
            "and because naltrexone is an inexpensive generic, no company has much commercial reason to "
            "pay for them.</p>\n"
            "<h2>If you are thinking about trying it</h2>\n"
            "<ul>"
            "<li><strong>Talk to your neurologist or MS nurse first.</strong> Bring the references "
            "below; a specific question is easier to discuss than a general one.</li>"
            "<li><strong>Do not stop your disease-modifying therapy on your own.</strong> LDN has not "
            "been tested as a replacement for approved MS treatments.</li>"
            "<li><strong>Mention every other medicine you take.</strong> Naltrexone blocks opioid "
            "painkillers such as codeine or tramadol, so that combination needs medical advice.</li>"
            "<li><strong>Expect a period of adjustment.</strong> Prescribers often start low and increase "
            "slowly; disturbed sleep and vivid dreams are the side effects people mention most.</li>"
            "<li><strong>Keep notes.</strong> A simple symptom diary makes it much easier to judge, with "
            "your doctor, whether anything has really changed.</li>"
            "</ul>\n"
            "<p>LDN may turn out to be a useful, inexpensive add-on for some people with MS, or it may "
            "not; on the current evidence nobody can say for certain. What we can say is that the "
            "question deserves better studies, and that the safest way to explore it is together with "
            "the people who know your medical history. We would love to hear about your experiences, "
            "good or bad, in the comments below.</p>"
        ),
        "author": "author",
        "published_days_ago": 40,
        "moderation_mode": "pre",
        "references": [
            {
                "authors": "Cree BA, Kornyeyeva E, Goodin DS",
                "title": "Pilot trial of low-dose naltrexone and quality of life in multiple sclerosis",
                "journal": "Annals of Neurology",
                "year": 2010,
                "volume": "68",
                "issue": "2",
                "pages": "145-50",
                "doi": "10.1002/ana.22006",
                "pmid": "20695007",
            },
            {
                "authors": (
                    "Gironi M, Martinelli-Boneschi F, Sacerdote P, Solaro C, Zaffaroni M, "
                    "Cavarretta R, Moiola L, Bucello S, Radaelli M, Pilato V, Rodegher ME, Cursi M, "
                    "Franchi S, Martinelli V, Nemni R, Comi G, Martino G"
                ),
                "title": "A pilot trial of low-dose naltrexone in primary progressive multiple sclerosis",
                "journal": "Multiple Sclerosis",
                "year": 2008,
                "volume": "14",
                "issue": "8",
                "pages": "1076-83",
                "doi": "10.1177/1352458508095828",
                "pmid": "18728058",
            },
            {
                "authors": "Sharafaddinzadeh N, Moghtaderi A, Kashipazha D, Majdinasab N, Shalbafan B",
                "title": (
                    "The effect of low-dose naltrexone on quality of life of patients with multiple "
                    "sclerosis: a randomized placebo-controlled trial"
                ),
                "journal": "Multiple Sclerosis",
                "year": 2010,
                "volume": "16",
                "issue": "8",
                "pages": "964-9",
                "doi": "",
                "pmid": "",
            },
            {
                "authors": "Younger J, Parkitny L, McLain D",
                "title": (
                    "The use of low-dose naltrexone (LDN) as a novel anti-inflammatory treatment "
                    "for chronic pain"
                ),
                "journal": "Clinical Rheumatology",
                "year": 2014,
                "volume": "33",
                "issue": "4",
                "pages": "451-9",
                "doi": "10.1007/s10067-014-2517-2",
                "pmid": "24526250",
            },
            {
                "authors": "Khan A",
                "title": (
                    "Long-term remission of adenoid cystic tongue carcinoma with low dose naltrexone "
                    "and vitamin D3\u2014a case report"
                ),
                "journal": "Oral Health and Dental Management",
                "year": 2014,
                "volume": "13",
                "issue": "3",
                "pages": "721-4",
                "doi": "",
                "pmid": "",
            },
        ],
    },
    {
        "slug": NEURO_SLUG,
        "title": "How to talk to your neurologist about an off-label treatment",
        "lede": (
            "Raising a treatment your doctor didn't suggest can feel awkward. A little preparation "
            "turns it into a shared decision rather than a standoff."
        ),
        "body": (
            "<p>“Off-label” simply means a medicine is being used for a condition, at a dose "
            "or in a group of people it was not originally licensed for. That is common and often "
            "perfectly sensible, but it puts more responsibility on the prescriber, which is one reason "
            "many doctors are cautious when a patient brings one up.</p>\n"
            "<h2>Before the appointment</h2>\n"
            "<p>Write down the one or two questions that matter most to you, and what you hope the "
            "treatment might help with: pain, sleep, fatigue or mood. Bring the actual studies rather "
            "than a summary from a forum post, along with a full list of your current medicines and "
            "supplements. If you keep a symptom diary, bring that too; a few weeks of notes is far more "
            "persuasive than “I think I’ve been worse lately”.</p>\n"
            "<h2>In the room</h2>\n"
            "<p>Open with curiosity rather than a demand: <em>“I’ve read about this. What do "
            "you make of the evidence, and would it be safe for me?”</em> Ask what would worry "
            "them, which side effects or interactions to watch for, and how you would both judge whether "
            "it is working. If the answer is no, ask why, and whether anything would change their mind. "
            "Asking for a second opinion is entirely reasonable, but keep taking your prescribed "
            "treatment while you do.</p>\n"
            "<p>Finally, consider bringing a friend or relative to take notes. Appointments are short, "
            "and it is remarkably easy to forget half of what was said by the time you reach the car "
            "park.</p>"
        ),
        "author": "author",
        "published_days_ago": 10,
        "moderation_mode": "pre",
        "references": [],
    },
]


THREADS = {
    LDN_SLUG: [
        # Thread 1: a dismissive neurologist, then a specialist who listens.
        {
            "author": "frank",
            "days_ago": 39.6,
            "status": "approved",
            "body": (
                "Raised LDN with my neurologist last week because nothing we've tried has touched the "
                'burning pain in my legs. She said she doesn\'t prescribe "internet drugs" and moved '
                "straight on to the next thing on her list. I've got an appointment with an MS "
                "specialist at the teaching hospital next month and I'm going to try again."
            ),
            "replies": [
                {
                    "author": "dee",
                    "days_ago": 39.2,
                    "status": "approved",
                    "body": (
                        "Keep asking, Frank. I've been through four different disease-modifying drugs "
                        "in nine years and the one thing I've learned is that nobody else is going to "
                        "push for me.\n\n"
                        "For what it's worth, the one I'm on now is the first I'd actually call a "
                        "success, so I'm not against DMTs at all. I just wish the clinic questionnaires "
                        "asked how we really feel instead of ticking boxes."
                    ),
                    "replies": [
                        {
                            "author": "frank",
                            "days_ago": 38.9,
                            "status": "approved",
                            "body": "Four! You've earned the right to be tired of it. Thanks Dee.",
                            "replies": [],
                        },
                    ],
                },
                {
                    "author": "author",
                    "days_ago": 39.0,
                    "status": "approved",
                    "body": (
                        "Frank, I'm sorry that first conversation went the way it did; pain that won't "
                        "respond to treatment is exhausting. For the specialist appointment it can help "
                        "to print the UCSF trial from the reference list and lead with the pain question "
                        "specifically, since the pain score was one of the measures that improved in that "
                        "study. A specialist is also well placed to check it against your other "
                        "medicines. Good luck, and do let us know how it goes."
                    ),
                    "replies": [
                        {
                            "author": "frank",
                            "days_ago": 27.5,
                            "status": "approved",
                            "body": (
                                "Update, as promised. The specialist listened properly, went through the "
                                "trial with me and agreed to a cautious try: 1.5 mg at night for a month, "
                                "then up if I tolerate it, while staying on my current treatment. She "
                                "also checked that none of my pain medication clashes with it. Not "
                                "expecting miracles, but I finally feel heard."
                            ),
                            "replies": [
                                {
                                    "author": "author",
                                    "days_ago": 27.1,
                                    "status": "approved",
                                    "body": (
                                        "That's wonderful to hear, Frank, and it sounds like exactly the "
                                        "right way to go about it. If you can, jot down your pain and "
                                        "sleep each evening over the next few weeks. It will make the "
                                        "follow-up conversation much easier. Fingers crossed for you."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        # Thread 2: frustration about research funding.
        {
            "author": "colm",
            "days_ago": 38.1,
            "status": "approved",
            "body": (
                "Every time I read about LDN it's the same story: cheap drug, a couple of hopeful "
                "results, then years of silence. Nobody can patent it, so nobody will pay to test it "
                "properly. It makes my blood boil that patients are left guessing because the sums "
                "don't work for shareholders."
            ),
            "replies": [
                {
                    "author": "gareth",
                    "days_ago": 37.6,
                    "status": "approved",
                    "body": (
                        "I understand the frustration, but I'd aim it somewhere slightly different. A "
                        "company is there to make money, so it was never going to fund a big trial of a "
                        "drug anyone can make. The gap is on the public side: research councils and the "
                        "MS charities are the ones who could run a long trial of an old generic, and "
                        "their budgets only stretch so far."
                    ),
                    "replies": [
                        {
                            "author": "colm",
                            "days_ago": 37.2,
                            "status": "approved",
                            "body": (
                                "Fair enough, that's a more useful way of looking at it. Doesn't make me "
                                "any less cross, mind."
                            ),
                            "replies": [],
                        },
                        {
                            "author": "priya",
                            "days_ago": 36.0,
                            "status": "approved",
                            "body": (
                                "I work in research administration at a university, and Gareth is right "
                                "that it mostly comes down to funding. A trial big enough to look at "
                                "relapses or disability needs hundreds of people followed for two years "
                                "or more, and that costs millions.\n\n"
                                "If you want to see what is actually running, the public register at "
                                "https://clinicaltrials.gov/ lets you search for naltrexone and multiple "
                                "sclerosis yourself."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "author": "moderator",
                    "days_ago": 36.8,
                    "status": "approved",
                    "body": (
                        "Thanks, everyone, for keeping this discussion thoughtful. A gentle reminder: "
                        "you're very welcome to criticise how research gets funded, but please don't "
                        "accuse named doctors, companies or regulators of wrongdoing. Our community "
                        "guidelines ask us all to stick to what we can back up."
                    ),
                    "replies": [],
                },
            ],
        },
        # Thread 3: long-term user with secondary progressive MS.
        {
            "author": "marco",
            "days_ago": 36.4,
            "status": "approved",
            "body": (
                "Seven years on 4.5 mg here, with secondary progressive MS. I've had two relapses in "
                "that time, both treated with a short course of steroids, and both times I got back to "
                "where I was. My walking is about the same as when I started. I can't prove LDN is the "
                "reason, but I'm not keen to find out by stopping."
            ),
            "replies": [
                {
                    "author": "aisha",
                    "days_ago": 35.9,
                    "status": "approved",
                    "body": (
                        "Marco, do you take it on its own or alongside one of the standard treatments?"
                    ),
                    "replies": [
                        {
                            "author": "marco",
                            "days_ago": 35.5,
                            "status": "approved",
                            "body": (
                                "Alongside, for most of that time. I came off my injections about two "
                                "years ago after a long talk with my neurologist, because at my stage the "
                                "benefit was looking small. That was her call as much as mine, and I "
                                "wouldn't want anyone dropping their DMT because of my story."
                            ),
                            "replies": [
                                {
                                    "author": "author",
                                    "days_ago": 35.1,
                                    "status": "approved",
                                    "body": (
                                        "Thank you for spelling that out, Marco. It's such an important "
                                        "point: any change to a disease-modifying therapy should be a "
                                        "decision made together with your neurologist, exactly as yours "
                                        "was."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        # Thread 4: where do people get it? (moderator steps in on supplier details)
        {
            "author": "ruth",
            "days_ago": 33.0,
            "status": "approved",
            "body": (
                "Silly question maybe, but where does everyone actually get this? Both chemists near me "
                "only stock naltrexone as 50 mg tablets and looked at me blankly when I said 4.5."
            ),
            "replies": [
                {
                    "author": "author",
                    "days_ago": 32.6,
                    "status": "approved",
                    "body": (
                        "Not a silly question at all, Ruth. Low-dose naltrexone needs a prescription, and "
                        "because the small strengths aren't made as standard tablets, it's usually made "
                        "up by a compounding pharmacy as capsules or a liquid. Your prescriber may "
                        "already know which pharmacies do this. Please don't try cutting up 50 mg tablets "
                        "yourself; it's very hard to get an accurate dose that way."
                    ),
                    "replies": [
                        {
                            "author": "ruth",
                            "days_ago": 32.1,
                            "status": "approved",
                            "body": (
                                "Thank you, that makes sense. My GP has said she'll read up on it and let "
                                "me know."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "author": "tomasz",
                    "days_ago": 32.4,
                    "status": "approved",
                    "body": (
                        "There's a compounding place that posts all over the country. I've used them for "
                        "three years and it works out at about the price of two coffees a week. Message "
                        "me and I'll send you the name and their current prices."
                    ),
                    "replies": [
                        {
                            "author": "moderator",
                            "days_ago": 31.8,
                            "status": "approved",
                            "body": (
                                "Hi Tomasz, thanks for trying to help. We ask members not to share "
                                "supplier names or prices, or offer to pass them on privately. It keeps "
                                "the forum free of advertising and protects people from unregulated "
                                "sellers. A prescriber or pharmacist is the right person to recommend a "
                                "supplier; there's more about this in our community guidelines."
                            ),
                            "replies": [
                                {
                                    "author": "tomasz",
                                    "days_ago": 31.5,
                                    "status": "approved",
                                    "body": (
                                        "Understood, sorry about that. Ruth, your GP will know where to "
                                        "send the prescription."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        # Thread 5: primary progressive MS and the Italian study.
        {
            "author": "lena",
            "days_ago": 29.0,
            "status": "approved",
            "body": (
                "I was diagnosed with primary progressive MS eleven years ago, when there was nothing "
                "licensed for it at all. My GP agreed to prescribe LDN a few months later and I've taken "
                "3 mg every night since. I still use a stick outdoors, but I expected to be much worse "
                "by now. Whether that's the LDN or just the way my MS behaves, I honestly don't know."
            ),
            "replies": [
                {
                    "author": "member",
                    "days_ago": 28.4,
                    "status": "approved",
                    "body": (
                        "Lena, thank you for writing this. I'm PPMS too, diagnosed last year. Does "
                        "anyone know what the Italian study in the article actually found? It sounds "
                        "like the one closest to us."
                    ),
                    "replies": [
                        {
                            "author": "author",
                            "days_ago": 28.0,
                            "status": "approved",
                            "body": (
                                "Hi Hannah. The Italian study followed 40 people with primary progressive "
                                "MS for six months. It was set up mainly to check safety, and on that "
                                "front it was reassuring: most side effects were mild, spasticity "
                                "improved, and disability worsened in only one person during the study.\n\n"
                                "It was small and short, though, so it can't tell us whether LDN slows "
                                "progression over years. Your MS team can help you weigh it against the "
                                "treatments that are now available for PPMS."
                            ),
                            "replies": [
                                {
                                    "author": "member",
                                    "days_ago": 27.6,
                                    "status": "approved",
                                    "body": (
                                        "That's really clear, thank you. It's going on my list for my "
                                        "next appointment."
                                    ),
                                    "replies": [],
                                },
                            ],
                        },
                    ],
                },
            ],
        },
        # Thread 6: early days, vivid dreams.
        {
            "author": "priya",
            "days_ago": 24.5,
            "status": "approved",
            "body": (
                "Day 12 on LDN (1.5 mg, going up to 3 mg next week). The afternoon brain fog has lifted "
                "a little, I think? Too early to say. What I wasn't ready for is the dreams. Long, "
                "detailed, cinematic ones. Not nightmares, just exhausting!"
            ),
            "replies": [
                {
                    "author": "dee",
                    "days_ago": 24.0,
                    "status": "approved",
                    "body": (
                        "The dreams were the same for me at first and settled after three or four weeks. "
                        "A friend moved her dose to the morning, but check with your prescriber before "
                        "changing anything."
                    ),
                    "replies": [
                        {
                            "author": "priya",
                            "days_ago": 14.2,
                            "status": "approved",
                            "body": (
                                "Quick update two weeks on: now on 3 mg, the dreams are mostly back to "
                                "normal and the fog improvement seems to be holding. Thanks Dee."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "author": "gareth",
                    "days_ago": 23.8,
                    "status": "approved",
                    "body": (
                        "Glad it's going well. A friendly word of caution from someone who's been there: "
                        "the first few weeks on anything new can feel great partly because you're "
                        "hopeful. Give it a couple of months and see whether it holds."
                    ),
                    "replies": [],
                },
            ],
        },
        # Thread 7: a parent of a newly diagnosed young adult.
        {
            "author": "aisha",
            "days_ago": 18.0,
            "status": "approved",
            "body": (
                "My son is 22 and was diagnosed three weeks ago after losing the feeling in his left "
                "hand. He's had a course of steroids and is seeing a physiotherapist. I've been reading "
                "everything I can find. How would I even bring up LDN with his doctors without seeming "
                "like I'm interfering?"
            ),
            "replies": [
                {
                    "author": "author",
                    "days_ago": 17.5,
                    "status": "approved",
                    "body": (
                        "Aisha, I'm so sorry you and your son are going through this; those first weeks "
                        "are overwhelming. For someone newly diagnosed, the most important conversation "
                        "is usually about starting an established disease-modifying therapy, because the "
                        "case for treating early is strong. LDN, if it comes up at all, would be a "
                        "question to ask alongside that, not instead of it.\n\n"
                        "It's also worth letting your son lead where he can, since it's his care. The "
                        "newly diagnosed pages at https://www.nationalmssociety.org/ are a calm, reliable "
                        "place to start reading."
                    ),
                    "replies": [
                        {
                            "author": "aisha",
                            "days_ago": 17.0,
                            "status": "approved",
                            "body": (
                                "Thank you. You're right, I think I've been trying to fix everything at "
                                "once. He has his first follow-up next week and I'll go with him if he "
                                "wants me there."
                            ),
                            "replies": [],
                        },
                    ],
                },
                {
                    "author": "marco",
                    "days_ago": 16.4,
                    "status": "approved",
                    "body": (
                        "Aisha, he's lucky to have you. I was diagnosed at 24 and I'm 51 now, still "
                        "working part-time and still annoying my family. Treatment for people starting "
                        "out today has come a very long way."
                    ),
                    "replies": [],
                },
                {
                    "author": "ines",
                    "days_ago": 0.6,
                    "status": "pending",
                    "body": (
                        "Aisha, my sister was diagnosed at 23. She's 30 now, finished her degree and runs "
                        "half-marathons. Things can settle down. Sending you both strength."
                    ),
                    "replies": [],
                },
            ],
        },
        # Thread 8: it didn't work for me.
        {
            "author": "gareth",
            "days_ago": 9.0,
            "status": "approved",
            "body": (
                "A less rosy account, since this thread is mostly positive. I took LDN for two years "
                "with no other treatment because I was nervous about the side effects of the standard "
                "drugs. In that time I had two relapses and my MRI showed new lesions. I switched to a "
                "DMT last year and my last two scans have been stable.\n\n"
                "I'm genuinely glad LDN helps some of you, but it didn't do that job for me."
            ),
            "replies": [
                {
                    "author": "lena",
                    "days_ago": 8.4,
                    "status": "approved",
                    "body": (
                        "Thank you for posting this, Gareth. It's just as important to hear, and it's "
                        "probably the story people are least likely to write up."
                    ),
                    "replies": [],
                },
                {
                    "author": "frank",
                    "days_ago": 7.9,
                    "status": "approved",
                    "body": (
                        "Appreciate the honesty. It's part of why I'm trying it as an add-on rather than "
                        "instead of anything."
                    ),
                    "replies": [],
                },
                {
                    "author": "author",
                    "days_ago": 7.5,
                    "status": "approved",
                    "body": (
                        "Gareth, thank you; balanced accounts like yours make this a much more useful "
                        "place. Your experience fits the trial evidence: the larger Iranian study found "
                        "no clear benefit, and none of the studies was designed to show LDN preventing "
                        "relapses or new lesions. I'm glad you and your neurologist found something "
                        "that's keeping things stable."
                    ),
                    "replies": [],
                },
            ],
        },
        # Moderation queue: new members' top-level comments.
        {
            "author": "rosa",
            "days_ago": 1.2,
            "status": "pending",
            "body": (
                "Hello everyone, first post. I was diagnosed with relapsing-remitting MS in the spring "
                "and started a DMT over the summer. At my last appointment I asked about LDN and, to my "
                "surprise, my neurologist said she'd consider it as an add-on once I'm settled on my "
                "main treatment. Reading all your stories has made me feel a lot less alone."
            ),
            "replies": [],
        },
        {
            "author": "quickmeds",
            "days_ago": 0.9,
            "status": "pending",
            "body": (
                "LOW DOSE NALTREXONE 4.5mg - NO PRESCRIPTION NEEDED!!! Lowest prices online, discreet "
                "worldwide shipping, 30% off your first order. Order now at "
                "https://cheap-ldn-pharma.example/ and start feeling better TODAY"
            ),
            "replies": [],
        },
        {
            "author": "gus",
            "days_ago": 0.4,
            "status": "pending",
            "body": (
                "Forget what your neurologist tells you. I CURED my MS in 90 days with LDN, a raw food "
                "cleanse and my special mineral protocol. No more injections, no more scans. The drug "
                "companies don't want you to know this. Full protocol in my ebook, link on my profile."
            ),
            "replies": [],
        },
    ],
    NEURO_SLUG: [
        {
            "author": "ruth",
            "days_ago": 9.2,
            "status": "approved",
            "body": (
                'This is so practical, thank you. I tried the "write two questions down" idea at my GP '
                "appointment on Tuesday and it was the calmest conversation we've had in years."
            ),
            "replies": [
                {
                    "author": "author",
                    "days_ago": 8.8,
                    "status": "approved",
                    "body": (
                        "That's lovely to hear, Ruth. Two questions sounds like nothing, but it really "
                        "does change the tone of an appointment."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "author": "colm",
            "days_ago": 6.5,
            "status": "approved",
            "body": (
                "The bit about bringing someone along is spot on. My wife came to my last review and "
                "remembered three things I'd completely forgotten by the time we got back to the car."
            ),
            "replies": [
                {
                    "author": "lena",
                    "days_ago": 5.9,
                    "status": "approved",
                    "body": (
                        "Same here. My husband is the official note-taker now, and he asks the questions "
                        "I'm too tired to."
                    ),
                    "replies": [],
                },
            ],
        },
        {
            "author": "frank",
            "days_ago": 3.1,
            "status": "approved",
            "body": (
                "Can confirm the symptom diary advice. I've kept one for a few weeks now and it already "
                "shows my sleep is better on days I don't overdo it, which I'd never have spotted "
                "otherwise."
            ),
            "replies": [],
        },
    ],
}


DEMO_PASSWORD = "forum-demo-2026"
