"""The fixed English word lists the parser knows: device synonyms, cue words per intent, out-of-scope topics.

Nothing here is about a particular campus; names of rooms and switches come from the `Vocabulary`.
"""

from __future__ import annotations

# Phrases (already normalised: lower case, no punctuation) naming a switch type.
DEVICE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "light": (
        "light", "lights", "lamp", "lamps", "tube light", "tube lights", "tubelight", "tubelights", "tube", "tubes",
        "bulb", "bulbs", "led", "leds", "lighting", "lightning", "ceiling lights", "ceiling light", "led lights",
        "led light", "lite", "lites", "spotlight", "spotlights",
    ),
    "fan": ("fan", "fans", "ceiling fan", "ceiling fans", "pankha", "pankhe"),
    "ac": (
        "ac", "acs", "air conditioner", "air conditioners", "air conditioning", "aircon", "air con", "cooler",
        "coolers", "cooling", "ac unit", "ac units", "airconditioner", "air conditioning units", "air conditioner units",
    ),
    # No "smart board": the campus has none, and two fresh parts' writers (and every dev line) took it for out of scope.
    "projector": ("projector", "projectors", "screen", "screens", "beamer", "display"),
    "outlet": (
        "plug", "plugs", "socket", "sockets", "outlet", "outlets", "power point", "power points", "power socket",
        "power sockets", "plug points", "plug point", "charging points", "charging point", "wall sockets", "extension",
        "extension board", "power strip",
    ),
    "heater": ("heater", "heaters", "room heater", "room heaters", "heating", "radiator"),
}

# "everything", "all devices"...: the whole room rather than some types.
EVERYTHING_PHRASES = (
    "everything", "every thing", "all devices", "all the devices", "all appliances", "all the appliances",
    "all equipment", "all the equipment", "all switches", "all the switches", "all of it", "all electricals",
    "all electrical", "all power", "all loads", "every device", "each device", "all relays", "all", "whole room",
    "entire room", "all the things", "all things", "anything",
)

# Campus-wide scope for device commands.
EVERYWHERE_PHRASES = ("everywhere", "campus", "on campus", "all rooms", "every room", "all the rooms", "whole campus", "entire campus", "campus wide", "all buildings", "every building",
                      # The campus called by what it is: "every fan in the whole college off".
                      "whole college", "entire college", "all over the college", "across the college",
                      "whole institute", "entire institute", "whole university", "entire university",
                      "whole school", "entire school", "all over campus", "across campus", "across the campus",
                      # "every single light in the college": the campus, by its place word after "in the".
                      "in the college", "in college", "in the institute", "around the college")
# "all classrooms", "every lab": the rooms whose name holds the word (not the whole campus: the auditorium and the
# staff room are no classrooms). Singular -> the plural forms said after "all".
ROOM_GROUP_WORDS = {"classroom": ("classrooms", "class rooms"), "lab": ("labs", "laboratories"), "hall": ("halls",),
                    "office": ("offices",)}

ACTION_VERBS = frozenset(
    "turn turning switch switching power powering put flip shut kill cut start stop enable disable activate "
    "deactivate keep leave get make set bring".split()
)
OFF_WORDS = frozenset("off shutdown shut kill cut stop disable deactivate".split())
ON_WORDS = frozenset("on start enable activate".split())
PRONOUNS = frozenset("them it those these they that this".split())

# Word cues per intent (single normalised tokens).
STATUS_WORDS = frozenset("status state running working left still currently live condition lit spinning glowing "
                         "rundown lowdown".split())
ENERGY_WORDS = frozenset(
    "energy consumption consumed consume consuming kwh kilowatt kilowatts units usage used use using "
    "electricity bill cost costs spent spend wattage watts load draw drawing drew power demand".split()
)
FORECAST_WORDS = frozenset("forecast forecasts forecasted predict predicted prediction predictions projected projection "
                           "expected expect estimate estimated estimation anticipated outlook".split())
SCHEDULE_WORDS = frozenset("schedule schedules scheduled scheduling timer timers pending planned queued upcoming "
                           "automation automations".split())
CANCEL_WORDS = frozenset("cancel cancelled canceled remove delete unschedule abort drop clear revoke".split())
ALERT_WORDS = frozenset(
    "alert alerts alarm alarms anomaly anomalies anomalous offline unresponsive disconnected unreachable warning "
    "warnings fault faults faulty abnormal unusual spike spikes issue issues problem problems incident incidents "
    "malfunction malfunctioning failure failures failing notifications notification "
    "overload overloads overloaded overloading flagged".split()  # "has anything been flagged in 202" (spoken part 13)
)
HELP_PHRASES = (
    "help", "what can you do", "what do you do", "how do i use", "how to use", "how does this work",
    "what commands", "list commands", "commands", "usage", "guide", "instructions", "how do you work",
    "what are you able to do", "what can i ask", "what should i type",
    "what all things can you", "what things can you", "what are the options", "what are my options",
    "what options do i have", "what options are there",
    "what do i say to", "what should i say to", "what can i say", "start", "menu", "what can this bot do",
    "what can it do", "what does this bot do", "what do you understand", "how can you help", "what are the commands",
    # Asked indirectly: "I'm new here, what can you do", "what is this bot for", "how do I talk to you".
    "what are you able", "what you can do", "what should i type", "what should i say", "what kind of things",
    "what sort of things", "what is this bot for", "what are you for", "what is this for", "how do i talk to you",
    "how do i use", "how does this assistant work", "how does this bot work", "how does this thing work",
    "how do i use this", "how to use this", "what can i do with", "dont know how to use", "some examples",
    "give me examples", "show me examples", "any tips", "what all can", "what else can you", "supposed to use",
    "meant to use", "should i use this", "how to use you", "explain how to use", "what commands",
    # Spoken: "what kind of stuff can you do", "what are you capable of", "how am I supposed to talk to you".
    "what kind of stuff", "what sort of stuff", "capable of", "supposed to talk", "talk to you", "use you for",
    "what kind of commands", "what sort of commands", "how do i work this", "how this works", "how this thing works",
    "what i can say", "what i can ask", "what you do", "things i can", "tell you to do", "supposed to say",
    "what stuff", "how does this", "how do you work", "allowed to ask", "my options",
    # Asked in other words still: "what kinds of requests do you handle", "how can I make use of you", "walk me
    # through what you do", "is there a list of things I can say", "what am I meant to type".
    "kinds of requests", "sort of requests", "kind of requests", "kinds of things", "make use of you",
    "things you understand", "things you can", "walk me through", "things i can say", "things i can ask",
    "meant to type", "supposed to type", "what do i type", "what should i write", "what you are for",
    "what are you for", "what jobs can you", "what tasks can you", "what are your features", "your abilities",
    "what are you good for", "what do you handle", "requests do you", "what can you help", "can you explain what",
    "how do i get started", "where do i start", "how do i begin", "sort of questions", "kind of questions",
    "kinds of questions", "what you are good at", "what are you good at", "talk to this", "point of this bot",
    "point of you", "put to you", "what is this bot", "what is this assistant", "can this thing do",
    "does this thing do", "this thing for",
    # "um what am i supposed to do with this bot", "could someone explain what I can type here", "how do I control
    # stuff with this".
    "supposed to do with", "meant to do with", "what i can type", "what can i type", "what i can write",
    "control stuff with", "do stuff with this", "stuff with this bot", "explain what i can",
    "where do i begin with you", "where to begin with you", "sample commands", "example commands",
    # Unsure what to send (part 20: "not sure what to say to you"): what to say, type or ask, said to the bot.
    "what to say to you", "what to type to you", "what to ask you", "what to type here", "what to say here",
    "what to write here", "what to send you",
    # What it accepts or can reach: "list every command you accept", "which things are you able to switch".
    "command you accept", "commands you accept", "commands do you accept", "command do you accept",
    "you able to switch", "you able to control", "you able to turn", "can you switch for me", "can you control",
    # Eleventh pass: "how is this bot supposed to be used", "show me some example messages", "which commands does
    # the bot understand", "what is this assistant meant for", "which rooms can I control with this, how does it work".
    "supposed to be used", "meant to be used", "example messages", "example message", "an example", "examples of",
    "commands does", "commands do you", "does the bot understand", "assistant is meant for",
    "bot is meant for", "you are meant for", "this is meant for",
    "how does it work", "control with this", "control with you", "can i ask this", "can i ask the", "what this bot",
    "what this assistant", "explain what this", "explain what you",
    # Twelfth pass: "is there a manual for this thing", "some sample messages i can send", "what can i make you do",
    # "which things are you able to check for me".
    "a manual for", "the manual for", "user manual", "user guide", "manual for this", "sample messages",
    "sample message", "messages i can send", "can i send you", "should i send you", "make you do", "get you to do", "you able to check", "you able to show", "you able to tell",
    # Fourteenth pass: "no idea what to write in here", "where can I find the commands list", "how would I make a
    # timer for the lab", "how should I ask for the power used".
    "what to type", "what to write", "what to send", "list of commands", "commands list", "list of the commands",
    "how do i set a timer", "how do i make a timer", "how would i set a timer", "how would i make a timer",
    # Eighteenth pass: "how am I supposed to set a timer with you", "what am I allowed to say to you", Hindi "kya
    # kya kar sakte ho tum" (what all can you do).
    "how am i supposed to set", "how am i meant to set", "how am i supposed to ask", "how am i meant to ask",
    "how am i supposed to use", "how am i meant to use", "allowed to say to", "allowed to ask you",
    "allowed to type", "what am i allowed to say", "what can i say to you", "what should i say to you",
    "kya kar sakte ho", "kya kya kar sakte", "kya kar sakta hai", "kya kar sakti ho", "kya kya kar sakta",
    "kaise use karu", "kaise use karein", "kaise use kare",
    # Twenty-second pass: "what all things can I ask you", "how does one use it".
    "what all things can i ask", "what things can i ask", "how does one use", "how do we use", "how does someone use",
    "how do i ask about", "how do i ask for", "how should i ask", "how would i ask", "how can i ask",
    # Spoken part 13: "tell me what jobs you can handle", "what are the things this assistant can answer" (the
    # assistant is read as "bot").
    "jobs you can", "tasks you can", "things this bot can", "things the bot can", "jobs this bot can",
    "what this bot can", "what the bot can",
    # voice-kinds7: "could you explain how this assistant works", "tell me how the bot works".
    "how this bot works", "how the bot works", "how this assistant works", "how the assistant works",
    "how you work", "explain how this", "explain how the bot", "explain how you",
    # Nineteenth pass: "can you give me a quick tour" (of what the bot does), Hindi "madad chahiye, kaise use karun".
    "give me a quick tour", "give me a tour", "give me a short tour", "quick tour of you", "tour of what you",
    "show me around the bot", "kaise use karun", "kaise use karoon", "help chahiye",
    # voice-kinds12: "tell me what you're able to do around campus" ("what are you able" was the question's order).
    "what you are able to do", "what you are able to help", "what you are capable", "what you are able to handle",
    # "what kinds of requests does this bot take" written "what kinds of request is this bot tape".
    "kinds of request", "sorts of request", "types of request",
    # voice-kinds13: "I could use a hand figuring you out".
    "figuring you out", "figure you out", "figuring out how you", "figure out how you", "figuring out this bot",
    "figure out this bot", "figuring out how to use", "figure out how to use",
    # Whisper's plural of "what sort of things do you understand" (espeak-ng clean, out of scope).
    "what sorts of things", "what sorts of stuff", "sorts of things you", "what kinds of stuff",
) + tuple(f"{kind} of {what}" for kind in ("kind", "kinds", "sort", "sorts", "type", "types")
          for what in ("requests", "questions", "commands", "messages"))
HELP_WORDS = frozenset({"help", "commands", "instructions", "usage", "guide", "menu", "tutorial", "features",
                        "examples"})

# Topics the assistant does not handle; a message about them is `unknown` unless it names a campus device.
OUT_OF_SCOPE_WORDS = frozenset(
    "weather rain raining sunny temperature humid humidity climate music song songs play playing "
    "playlist spotify radio podcast joke jokes funny calendar meeting meetings appointment appointments remind "
    "reminder reminders lock unlock locked door doors window windows curtain curtains blinds tv television netflix "
    "youtube movie movies email emails mail news headlines cricket football match score stock stocks "
    "traffic translate translation recipe cook cooking food pizza lunch dinner order taxi cab uber flight train "
    "love joke poem story write essay homework exam "
    "exams marks attendance timetable lecture lectures wifi password internet printer coffee tea "
    "volume louder quieter mute call phone sms whatsapp birthday alexa siri "
    "shopping buy sell book booking taxi elevator lift garage car gate gates sprinkler sprinklers garden "
    "oven fridge refrigerator microwave vacuum robot camera cameras cctv security siren doorbell "
    "canteen cafeteria snacks breakfast audit audits theme themes bitcoin crypto".split()
)
# Instruments and kit no campus switch is, even at a bench that has a switch: "turn on the oscilloscope on bench 2".
KIT_WORDS = frozenset("oscilloscope oscilloscopes multimeter multimeters microscope microscopes amplifier amp guitar "
                      "piano keyboard synth aquarium incubator centrifuge".split())

# Words said to be polite or to fill; dropped before anything else looks at the sentence.
FILLER_WORDS = frozenset(
    "please pls plz kindly could would can will you u i me my we us our just quickly now right immediately asap "
    "hey ok okay so um uh uhh hmm well bot assistant autovolt sir madam maam thanks thank dear buddy yeah yes "
    "actually go ahead for the a an".split()
)

# Cancel / list words inside schedule questions.
LIST_WORDS = frozenset("list show what which any all tell see view".split())

# Out-of-scope requests recognised by a phrase rather than one word.
OUT_OF_SCOPE_PHRASES = (
    "set an alarm", "set alarm", "wake me", "good morning", "good night", "good evening", "how are you",
    "who are you", "your name", "tell me a", "sing", "order food", "what time is it", "what is the time",
    "what day is it", "what is the date", "start a timer", "set a timer", "set timer",
    # "it was lights out for our team in the semi final": the idiom, not the campus's lights.
    "lights out for", "was lights out", "is lights out for",
    # The chat's own settings: "turn off notifications for this bot", "mute this chat".
    "off notifications", "off the notifications", "mute notifications", "mute the notifications", "mute this chat",
    "mute this bot", "notifications for this", "notifications from this",
    "wrong with you", "problem with you", "your problem",
    # Questions about words, not things: "what does AC stand for", "what is the full form of kwh".
    "stand for", "stands for", "full form", "short for", "meaning of", "how do you spell",
    # Figures of speech with light, power and running: "shed some light on this", "running on empty".
    # Going to sleep or leaving: "it's lights out for me", "lights out for us, good night".
    "lights out for me", "lights out for us", "it is lights out", "lights out time for me",
    "shed light", "shed some light", "shed any light", "shed a little light", "sheds light", "light at the end",
    "running on empty", "running on fumes", "running low", "running out of", "run out of", "ran out of",
    "running late", "running thin", "running short", "running behind", "running on coffee", "running on no",
    "running in the family", "runs in the family", "running around", "lit up the", "lit up my", "lit up her",
    "lit up his", "lit up our", "lit up their", "shut up", "switch off your brain",
    "power through", "powering through", "power nap", "turn of phrase", "turn off for me", "a real turn off",
    "lights up the room", "light up my", "switched off today", "switch off from", "switching off from",
    "bright spark", "light bulb moment", "show on the road",
    # More figures of speech around device words: "pull the plug on this project", "turn up the heat on them", "the
    # lights are on but nobody's home", "a big fan of cricket", "a creative outlet", "in the spotlight".
    "pull the plug", "pulled the plug", "pulling the plug", "pulls the plug", "turn up the heat", "turned up the heat",
    "turning up the heat", "turn the tables", "turned the tables", "turning the tables", "nobody home",
    "nobodys home", "no one home", "went off like", "go off like", "goes off like", "big fan", "huge fan",
    "biggest fan", "fan club", "fan base", "fanbase", "fan the flames", "fanning the flames", "fan mail",
    "in the spotlight", "steal the spotlight", "stole the spotlight", "creative outlet", "outlet mall",
    "factory outlet", "news outlet", "media outlet", "an outlet for", "screen time", "on screen", "light reading",
    "light sleeper", "travel light", "see the light", "saw the light", "make light of", "made light of",
    "in light of", "heated argument", "heated debate", "on a roll", "off the charts", "off the hook",
    "off the record", "off the top of", "take this offline", "take it offline", "taking this offline",
    "take that offline", "discuss offline", "talk offline", "on the fence", "on cloud nine", "on the same page", "on fire",
    "on thin ice", "switch sides", "switched sides", "switch teams", "switch careers", "switching careers",
    # Home life and what the campus cannot do: "lights off, going to bed", "put the fans on speed 3".
    "going to bed", "go to bed", "off to bed", "off to sleep", "going to sleep", "go to sleep", "gonna sleep", "on speed", "to speed", "full speed", "the speed",
    "speed of", "speed to", "high speed", "low speed",
    # Settings of a device the campus switches only on and off: "put the staff room ac on swing mode".
    "mode", "modes", "swing", "degrees", "fan speed", "fans speed",
    # A level or mode named without the word "mode": "put the AC on turbo in the main hall", "fans on max".
    "turbo", "on max", "on maximum", "on high", "on low", "on medium", "full blast", "max cooling",
    # General knowledge, not this campus: "what's the difference between kw and kwh".
    "difference between",
    # Other help than this bot's: "how do I contact the IT helpdesk", "the help line number".
    "helpdesk", "help desk", "helpline", "help line", "customer care", "tech support", "technical support",
    "it support",
    # The city's supply, not this campus: "is there a power cut scheduled in the city tomorrow".
    "power cut scheduled", "scheduled power cut", "power cuts scheduled", "planned power cut", "load shedding",
    "in the city", "in our area", "in my area",
    # "schedule" and "queue" in other senses: "my sleep schedule is a mess", "don't schedule a class there".
    "sleep schedule", "bus schedule", "train schedule", "dont schedule", "do not schedule", "schedule a class",
    "schedule any", "a queue", "long queue",
    # Planning, not asking: "how should we plan an energy audit", "the best way to plan next year's budget".
    "to plan", "should we plan", "plan an", "plan our", "plan next", "planning an", "planning our", "planning the",
)
# What a computer does on a projector, not its switch: "share my screen on the projector", "cast my phone to it";
# out of scope unless a room is named ("turn on the projector in lab 1 so I can share my screen" is an order).
SCREEN_SHARING = ("share my screen", "share the screen", "share your screen", "screen share", "screen sharing",
                  "cast my", "mirror my", "connect my laptop", "connect the laptop")
# Lights and things that are no campus switch though a device word names them: "fairy lights", "disco lights",
# "the projector remote", "a light bulb shop" (a word before or after the device word makes it another thing).
NOT_OUR_BEFORE = frozenset(
    "fairy string disco christmas xmas party festive diwali torch flash street traffic bike bicycle car tail "
    "brake neon rgb mood porch balcony bedroom kitchen bathroom toilet hostel phone mobile laptop bedside "
    "emergency solar fridge oven aquarium fish tank terrarium water serial decoration decorative smart notice board "
    "sign signboard lock "  # "the notice board lights", "the lock screen"
    "northern southern polar city stadium runway head".split())  # "turn on the northern lights": the sky's
NOT_OUR_AFTER = frozenset(
    "remote remotes cupboard cupboards cabinet shop shops store stores cover covers stand stands cable cables "
    "manual manuals box boxes bag bags case cases repairman mechanic technician seller sellers dealer dealers price "
    "prices brand brands warranty company companies factory catalogue catalog strip strips tape board boards saver "
    "savers".split())  # "the LED display board", "the screen saver on the pcs"

# What people call the machines a computer-like switch feeds ("Computer sockets"): "power off the PCs", "shut the
# desktops" name that switch (text-left4: refused before), as "the computers" did.
COMPUTER_WORDS = frozenset("computer computers pc pcs desktop desktops workstation workstations".split())

NUMBER_ROOM_HEADS = frozenset("room rooms classroom class cr lab laboratory hall number no num block".split())

# Common English words that are never misspellings of a device or room ("like" is not "lite", "list" not "lite",
# "time" not "timer"); spelling correction leaves them alone.
COMMON_WORDS = frozenset(
    # "colour" was bent to "cooler" (the water cooler), "shop" to "stop", "aunts" to "units" (text-nearmiss)
    "colour colours color colors shop shops aunt aunts aunty aunties uncle uncles cousin cousins "
    "booth booths shed sheds oops whoops ladies gents boys girls starts started smart stay stays stayed remain remains remained able unable normal like likes liked list lists time times tile line lines life live lives lift light site side size sign "
    "give gave take took make made want wanted need needed know knew think thought feel felt look looked see saw "
    "seen come came going gone goes went tell told said say says ask asked work works worked worker "
    "working find found try tried trying leave leaving left stay stayed wait waiting open opened close closed "
    "closing start started starting stop stopped run runs ran running use used uses using help helped "
    "thing things stuff people person student students teacher teachers staff class classes lecture lectures "
    "today tomorrow yesterday week weeks month months year years day days hour hours minute minutes second seconds "
    "morning evening night afternoon noon late early soon later now then again always never sometimes "
    "good great fine nice bad best better worse worst cold hot warm cool dark bright loud quiet busy free "
    "empty full high low big small long short new old last next first recent recently current currently "
    "report reports data detail details info information summary overview chart graph graphs number numbers "
    "amount total average peak rate rates level levels value values much many more most less least few "
    "room rooms building buildings floor floors block blocks campus area areas place places hall halls "
    "door window wall walls roof desk table chair chairs board boards panel panels device devices machine "
    "machines system systems unit units item items relay relays sensor sensors meter meters "
    "done finished over ended ending end begin beginning started starting ready set sets setting settings "
    "action actions task tasks plan plans planned event events job jobs rule rules mode modes "
    "hungry tired sleepy happy sad angry sorry excuse wrong right correct sure maybe probably "
    "where when why who whom whose which what how whether if else also too very really quite still "
    "something anything nothing everything someone anyone nobody everyone somebody everybody "
    "send sent mail call called message messages phone text texts speak spoke talk talked "
    "water food tea coffee lunch dinner breakfast snack canteen library office principal hod dean "
    "exam exams test tests marks grade grades result results attendance timetable semester term "
    "old age name names story stories joke poem song songs music movie movies game games match "
    "score price stock market news weather rain cloudy sunny snow wind temperature humidity degrees degree "
    "increase decrease raise lower reduce speed speeds fast slow faster slower higher brighter dim dimmer "
    "change changed reset password wifi internet network login account email "
    "garage garden gate car bike bus parking canteen hostel gym pool "
    "teach teaches taught study studies learning learn read reading write writing print printing "
    "sheet sheets slide slides document documents file files paper papers "
    "hello hi hey bye goodbye thanks thank please sorry welcome yes no yeah nope ok okay sure fine "
    "blah lorem ipsum dolor amet quick brown fox jumps lazy dog hmm huh "
    "lock locks unlock door doors window windows curtain curtains".split()
)

# Everyday spoken words a few letters or a sound away from a device, cue or common room word ("alright" is not
# "light", "heading" not "heating", "chance" not "cancel", "coming" not "upcoming", "caught" not "cut"), and the
# inflected forms of the switch verbs, which a report or a question needs to see as they are ("who switched off",
# "what's turned on"): spelling correction leaves them alone. Chosen from the words a dictionary and a
# speech recogniser's vocabulary share that the corrector used to bend; words a recogniser may hear in place of a
# device word ("nights", "rights", "fight", "tour", "burn", "project") are left out, so they are still corrected.
EVERYDAY_WORDS = frozenset(
    "sakte sakta sakti "  # Hindi "can" ("kya kar sakte ho"), not "state"
    "turned turning turns switched switching shutting shuts powered powering killed killing cutting "
    "activated deactivated disabled enabled started stopped "
    "types typed typing kinds sorts requests request "
    "plus alright heading headed coming ends meant ones wants blowing oops bother bothered brother heats chance chances fantastic fancy caught hear hearing heard hears "
    "got gotten "  # "what have we got switched on in the reading hall": a status question, "got" no strange thing
    "tune tunes skit skits "
    "restart restarts restarted restarting reboot reboots rebooted rebooting "  # a computer's task, not "start"
    "overheating overheated overheat overheats "  # "the AC overheating alert": no heater ("over heating")  # seventeenth pass: "put some tunes on" was "tubes" (lights on), "the skit" "socket"
    "aboard abused academy academic academics ache active activity acts admit adult adults advice aide airline "
    "airlines alive allow ally apart appoint arch arguing arms arts asset aunt automatic backstage bake ball balls "
    "beach beans bear beard bearing beating beep beer bell belly bending bidding bills billing bird bite black "
    "blocked blog boil boiling bored boring bound brain breaking bread breed brew bride brings broad broom bulk "
    "bull bunch calling calls camp caring cases cast cattle cause caused causing changing chasing chatting "
    "cheating chilling choosing clap clean cleaner cleared clearly clock coast coat coin colder color coming "
    "commute compete connected consent contest context costly costume council counter creating crew crop cross "
    "cute dare dawn deep default delight depending dive download drag drain drawer drawn dreaming drops earning "
    "eating echo edited enter entirely completely fully totally altogether entry everyday excited expert facility fair fake fall falling feeling "
    "figures filling fill finish flat fleet float forest forget function gain glad glass grading grew guiding "
    "hair hanging hate hating healing helper helps hide hiding hill hole holes host housing hunt hurt idea input "
    "issued joint keen keeper keeps kept lady laid lake land lead leading leads leaf lease leaves legs lend lent "
    "letting lied lies lifted lifting lifts listed listen listening listing little lived lively loaded loan lost "
    "lots mailing mainly makes making male mall mark marked mask mean mind misses nations networking normally "
    "offend officer opening ordering output overall owner pain paint painting pair pants paused pending "
    "pointed pointing polite post posts pound pouring protect pushed pushing puts quit reach reaching reacting "
    "release relies rely remain remote removed response return returning ride riding ring road round rushed "
    "search seat seated seating sending silly sing situation skill stack star stars state stated steal step stole "
    "straight strange street style suit sunlight sunset sweater sweating swing tall taste tech thin thinks tide "
    "ties tired tissue trading training treating trip true unclear unexpected united unused useless user usual "
    "waiter waste watches watching wearing wheel white wide widely wife wild wine wise worrying wound".split()
)
