"""Hold the word lists the sandbox seed draws from: US places, people, trades, products.

Data only. ZIP codes are real ones for each city; phone numbers use the 555-01xx range set aside
for fiction; e-mail domains end in `.example` so nothing can be delivered.
"""

# (city, state, ZIP, phone area code, combined sales-tax rate used on change orders)
CITIES = (
    ("Austin", "TX", "78704", "512", "0.0825"),
    ("Round Rock", "TX", "78664", "512", "0.0825"),
    ("Frisco", "TX", "75034", "469", "0.0825"),
    ("Katy", "TX", "77494", "281", "0.0825"),
    ("San Antonio", "TX", "78253", "210", "0.0825"),
    ("Phoenix", "AZ", "85032", "602", "0.0860"),
    ("Scottsdale", "AZ", "85255", "480", "0.0805"),
    ("Gilbert", "AZ", "85297", "480", "0.0780"),
    ("Denver", "CO", "80219", "303", "0.0881"),
    ("Castle Rock", "CO", "80104", "303", "0.0740"),
    ("Boise", "ID", "83709", "208", "0.0600"),
    ("Meridian", "ID", "83646", "208", "0.0600"),
    ("Nashville", "TN", "37211", "615", "0.0925"),
    ("Franklin", "TN", "37064", "615", "0.0975"),
    ("Charlotte", "NC", "28277", "704", "0.0725"),
    ("Raleigh", "NC", "27615", "919", "0.0725"),
    ("Cary", "NC", "27519", "919", "0.0725"),
    ("Alpharetta", "GA", "30004", "770", "0.0775"),
    ("Tampa", "FL", "33647", "813", "0.0750"),
    ("Orlando", "FL", "32828", "407", "0.0650"),
    ("Sarasota", "FL", "34238", "941", "0.0700"),
    ("Henderson", "NV", "89052", "702", "0.0838"),
    ("Las Vegas", "NV", "89138", "702", "0.0838"),
    ("Lehi", "UT", "84043", "801", "0.0725"),
    ("Bend", "OR", "97702", "541", "0.0000"),
    ("Columbus", "OH", "43235", "614", "0.0750"),
    ("Carmel", "IN", "46032", "317", "0.0700"),
    ("Overland Park", "KS", "66221", "913", "0.0910"),
)

STREETS = (
    "Oak Hollow Dr",
    "Maple Ridge Ln",
    "Cedar Creek Rd",
    "Willow Bend Ct",
    "Sycamore Trl",
    "Stonebridge Way",
    "Juniper Ave",
    "Aspen Glen Dr",
    "Bluebonnet Ln",
    "Heritage Oaks Blvd",
    "Quail Run",
    "Magnolia Park Dr",
    "Hickory Hill Rd",
    "Saddle Creek Way",
    "Prairie View Ln",
    "Riverstone Pkwy",
    "Canyon Vista Dr",
    "Laurel Springs Ct",
    "Foxtail Ln",
    "Harbor Pointe Dr",
)

COMMUNITIES = (
    "Maple Ridge",
    "Stonebridge",
    "Heritage Oaks",
    "Riverstone",
    "Canyon Vista",
    "Laurel Springs",
    "Saddle Creek",
    "Harbor Pointe",
    "Prairie View",
    "Aspen Glen",
)

FIRST_NAMES = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "James",
    "Isabella",
    "Lucas",
    "Mia",
    "Mason",
    "Amelia",
    "Ethan",
    "Harper",
    "Logan",
    "Evelyn",
    "Jackson",
    "Abigail",
    "Aiden",
)

LAST_NAMES = (
    "Harper",
    "Whitaker",
    "Nguyen",
    "Patel",
    "Garcia",
    "Okafor",
    "Lindqvist",
    "Brennan",
    "Castillo",
    "Yamamoto",
    "Delgado",
    "Fitzgerald",
    "Holloway",
    "Kowalski",
    "Marchetti",
    "Oyelaran",
    "Reyes",
    "Sandoval",
    "Thornton",
    "Vasquez",
    "Abernathy",
    "Callahan",
    "Dubois",
    "Ellison",
    "Goldberg",
)

# Trade partners: purchase-order vendors and schedule assignees.
TRADES = (
    ("Lone Star Framing LLC", "office@lonestarframing.example", "06-1000", "Framing"),
    ("Summit Roofing Co.", "bids@summitroofing.example", "07-3100", "Roofing"),
    ("Bright Line Electric", "dispatch@brightline-electric.example", "26-0500", "Electrical"),
    ("ClearFlow Plumbing", "service@clearflowplumbing.example", "22-1000", "Plumbing"),
    ("Comfort Air HVAC", "install@comfortairhvac.example", "23-0500", "HVAC"),
    ("SmoothWall Drywall", "jobs@smoothwall.example", "09-2900", "Drywall"),
    ("TrueCoat Painting", "estimates@truecoat.example", "09-9100", "Painting"),
    ("Bedrock Concrete", "pours@bedrockconcrete.example", "03-3000", "Concrete"),
    ("GreenScape Landscaping", "crew@greenscape.example", "32-9000", "Landscaping"),
    ("Precision Trim & Millwork", "shop@precisiontrim.example", "06-2000", "Finish carpentry"),
)

# category → (titles, option names, vendors, allowance in dollars)
CATEGORIES = {
    "Flooring": (
        ("Main living flooring", "Bedroom carpet", "Primary bath floor tile"),
        (
            "Engineered white oak 7in",
            "Luxury vinyl plank - Driftwood",
            "Porcelain tile 12x24",
            "Shaw Endura carpet",
            "Hickory hardwood 5in",
        ),
        ("Floor & Decor", "Shaw Floors", "Mohawk"),
        9500,
    ),
    "Cabinets": (
        ("Kitchen cabinets", "Primary bath vanity", "Laundry cabinets"),
        (
            "Shaker maple - White Dove",
            "Flat-panel walnut",
            "Raised-panel cherry",
            "Painted inset - Hale Navy",
        ),
        ("MasterBrand Cabinets", "KraftMaid", "Wellborn"),
        18000,
    ),
    "Countertops": (
        ("Kitchen countertops", "Bath countertops", "Island waterfall edge"),
        (
            "Quartz - Calacatta Laza",
            "Granite - Steel Grey",
            "Quartz - Pure White",
            "Butcher block - walnut",
        ),
        ("Granite Transformations", "MSI Surfaces", "Caesarstone"),
        7500,
    ),
    "Appliances": (
        ("Kitchen appliance package", "Laundry pair"),
        ("Stainless package - KitchenAid", "Pro range package - Wolf", "Panel-ready - Bosch"),
        ("Ferguson", "Best Buy Pro", "Whirlpool Builder"),
        12000,
    ),
    "Plumbing Fixtures": (
        ("Kitchen faucet", "Primary shower trim", "Powder room fixtures"),
        ("Moen Align - matte black", "Kohler Purist - brushed brass", "Delta Trinsic - chrome"),
        ("Ferguson", "Kohler", "Build.com"),
        3200,
    ),
    "Lighting": (
        ("Dining pendant", "Exterior sconces", "Kitchen island pendants"),
        ("Hinkley Halden", "Visual Comfort Linden", "Kichler Avery", "Progress Point Dume"),
        ("Lamps Plus", "Ferguson", "Lowe's Pro"),
        2800,
    ),
    "Paint": (
        ("Interior paint colors", "Exterior body and trim"),
        ("Sherwin-Williams Alabaster", "Benjamin Moore Chantilly Lace", "SW Agreeable Gray"),
        ("Sherwin-Williams", "Benjamin Moore"),
        None,
    ),
    "Tile": (
        ("Kitchen backsplash", "Shower walls", "Fireplace surround"),
        ("Zellige 4x4 - Weathered White", "Subway 3x12 - gloss", "Marble herringbone"),
        ("Floor & Decor", "The Tile Shop", "Daltile"),
        4200,
    ),
}

CHANGE_ORDERS = (
    ("Upgrade kitchen countertops to quartz", "Replace builder-grade laminate with 3cm quartz."),
    ("Add outlets in garage", "Two 20A outlets and one 240V outlet on the east wall."),
    ("Extend rear patio 8 ft", "Pour and finish additional 8x20 ft slab with broom finish."),
    ("Add recessed lights in living room", "Six 6in LED cans on a dimmer."),
    ("Tankless water heater", "Swap 50 gal tank for a gas tankless unit, including venting."),
    ("Credit: delete fireplace", "Remove gas fireplace and hearth from the great room."),
    ("Move kitchen island 18 in", "Re-route island plumbing and electrical after framing."),
    ("Add pocket office", "Frame and finish a 6x8 ft pocket office off the kitchen."),
)

CHANGE_ORDER_LINES = (
    ("Material", "06-1000"),
    ("Labor", "01-5000"),
    ("Electrical", "26-0500"),
    ("Plumbing", "22-1000"),
    ("Concrete", "03-3000"),
    ("Finish carpentry", "06-2000"),
    ("Countertop fabrication", "12-3600"),
    ("Permit revision", "01-4100"),
)

SCHEDULE_TASKS = (
    "Permits",
    "Site prep",
    "Foundation",
    "Framing",
    "Roofing",
    "Rough plumbing",
    "Rough electrical",
    "HVAC rough-in",
    "Insulation",
    "Drywall",
    "Cabinet install",
    "Countertop install",
    "Flooring",
    "Interior paint",
    "Trim carpentry",
    "Final plumbing",
    "Final electrical",
    "Landscaping",
    "Final inspection",
    "Punch list",
)

CREW = ("Site super: Dana Ruiz", "Assistant super: Marcus Lee", "Warranty: Jen Albright")

PROJECT_STATUSES = ("open", "presale", "open", "warranty", "closed", "open")
SELECTION_STATUSES = ("pending", "approved", "declined", "approved", "pending")
CHANGE_ORDER_STATUSES = ("draft", "pending", "approved", "declined")
PURCHASE_ORDER_STATUSES = ("draft", "issued", "accepted", "declined", "closed")
