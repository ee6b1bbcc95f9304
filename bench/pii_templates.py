"""Wording and word pools of the PII benchmark; "dev" and "heldout" never share phrasing or names.

A template is a string with slots: {name} {given} {name_lower} {other} are people (removed),
{seller} {product} {amount} {when} {city} {state} are facts (kept), the rest are identifiers.
"""

from __future__ import annotations

import random

from bench.pii_values import pin_code

NAMES = {
    "dev": {
        "given": [
            "Priya",
            "Rahul",
            "Anjali",
            "Venkatesh",
            "Gurpreet",
            "Arjun",
            "Sneha",
            "Manoj",
            "Lakshmi",
            "Imran",
            "Fatima",
            "Sourav",
            "Ritu",
            "Karthik",
            "Divya",
            "Harpreet",
            "Suresh",
            "Meena",
            "Abhijit",
            "Nandini",
            "Rohit",
            "Kavya",
            "Ayesha",
            "Vikram",
            "Deepa",
            "Sanjay",
            "Shalini",
            "Arun",
            "Pooja",
            "Joseph",
            "Swati",
            "Nikhil",
            "Bhavesh",
            "Anita",
            "Tanmoy",
        ],
        "surname": [
            "Sharma",
            "Iyer",
            "Deshmukh",
            "Kaur",
            "Nair",
            "Reddy",
            "Patel",
            "Banerjee",
            "Khan",
            "Gupta",
            "Menon",
            "Joshi",
            "Singh",
            "Rao",
            "Chatterjee",
            "Pillai",
            "Verma",
            "Kulkarni",
            "Shaikh",
            "Das",
            "Mehta",
            "Naidu",
            "Hegde",
            "Mishra",
            "Fernandes",
            "Bose",
            "Yadav",
            "Agarwal",
            "Saxena",
            "Mukherjee",
        ],
    },
    "heldout": {
        "given": [
            "Aishwarya",
            "Vaibhav",
            "Shruti",
            "Anirban",
            "Zubair",
            "Ishita",
            "Pradeep",
            "Mrinalini",
            "Tejaswini",
            "Harsha",
            "Lalita",
            "Siddharth",
            "Bhavna",
            "Rakesh",
            "Farah",
            "Sunanda",
            "Gautam",
            "Pallavi",
            "Devika",
            "Raghav",
            "Nilima",
            "Yusuf",
            "Kishan",
            "Madhavi",
            "Omkar",
            "Rukmini",
            "Jatin",
            "Tanushree",
            "Abhishek",
            "Charulata",
            "Dhruv",
            "Saranya",
            "Habib",
            "Parveen",
            "Sreenivas",
        ],
        "surname": [
            "Ghosh",
            "Krishnan",
            "Thakur",
            "Bhat",
            "Chawla",
            "Dutta",
            "Rathore",
            "Subramanian",
            "Kapoor",
            "Siddiqui",
            "Jha",
            "Trivedi",
            "Shetty",
            "Mohanty",
            "Kamath",
            "Barua",
            "Sengupta",
            "Tiwari",
            "Dhillon",
            "Varghese",
            "Choudhury",
            "Rajan",
            "Wagle",
            "Bhattacharjee",
            "Lobo",
            "Pandey",
            "Kohli",
            "Raina",
            "Mahajan",
            "Goswami",
        ],
    },
}
SELLERS = {
    "dev": [
        "Vijay Sales",
        "Croma",
        "Reliance Digital",
        "Amazon",
        "Flipkart",
        "Myntra",
        "Tata Cliq",
        "Sangeetha Mobiles",
        "Poorvika",
        "Sharma Electronics",
        "Lulu",
        "DMart",
        "Nykaa",
        "Bajaj Finserv",
        "Airtel",
        "MakeMyTrip",
    ],
    "heldout": [
        "Vijay Sales",
        "Croma",
        "Reliance Digital",
        "Amazon",
        "Flipkart",
        "Sri Lakshmi Mobiles",
        "Gupta Furniture House",
        "Sai Ram Electronics",
        "Balaji Traders",
        "Kalyan Jewellers",
        "Meesho",
        "Ajio",
        "Urban Company",
        "Jio",
        "Decathlon",
        "Pai International",
        "Ganesh Appliances",
    ],
}
PRODUCTS = {
    "dev": [
        "Samsung Galaxy M34",
        "LG 1.5 ton split AC",
        "Redmi Note 13 Pro",
        "iPhone 15",
        "Whirlpool 265 L refrigerator",
        "Dell Inspiron 15 laptop",
        "boAt Airdopes 141",
        "Bajaj mixer grinder",
        "Sony Bravia 55 inch TV",
        "HP LaserJet printer",
        "Voltas window AC",
        "IFB front load washing machine",
    ],
    "heldout": [
        "OnePlus Nord CE 3",
        "Godrej Eon fridge",
        "Lenovo IdeaPad Slim 3",
        "Havells ceiling fan",
        "Prestige induction cooktop",
        "Kent RO water purifier",
        "Titan smartwatch",
        "Philips air fryer",
        "Haier 7 kg washing machine",
        "Realme Narzo 60",
        "Wakefit mattress",
        "Ather 450X scooter",
    ],
}
CITIES = {
    "dev": [
        "Pune",
        "Mumbai",
        "Bengaluru",
        "Chennai",
        "Hyderabad",
        "Kolkata",
        "Jaipur",
        "Lucknow",
        "Kochi",
        "Ahmedabad",
        "Nagpur",
        "Indore",
        "Bhubaneswar",
        "Guwahati",
        "Chandigarh",
        "Patna",
    ],
    "heldout": [
        "Delhi",
        "Surat",
        "Coimbatore",
        "Visakhapatnam",
        "Mysuru",
        "Thiruvananthapuram",
        "Vadodara",
        "Ludhiana",
        "Dehradun",
        "Ranchi",
        "Raipur",
        "Madurai",
        "Nashik",
        "Agra",
        "Shillong",
        "Goa",
    ],
}
STATES = [
    "Maharashtra",
    "Karnataka",
    "Tamil Nadu",
    "Telangana",
    "West Bengal",
    "Rajasthan",
    "Uttar Pradesh",
    "Kerala",
    "Gujarat",
]
LOCALITIES = [
    "Koramangala",
    "Andheri East",
    "Salt Lake",
    "Banjara Hills",
    "Kothrud",
    "Anna Nagar",
    "Vaishali Nagar",
    "Gomti Nagar",
    "Kakkanad",
    "Navrangpura",
    "Dharampeth",
    "Vijay Nagar",
    "Saheed Nagar",
    "Dispur",
]
STREETS = [
    "MG Road",
    "Link Road",
    "Station Road",
    "5th Cross",
    "Nehru Street",
    "Park Street",
    "100 Feet Road",
    "Ring Road",
    "Gandhi Marg",
    "Church Street",
    "Temple Road",
]
BUILDINGS = [
    "Sai Residency",
    "Green Park Apartments",
    "Shanti Niketan Society",
    "Lotus Heights",
    "Krishna Towers",
    "Sunshine Enclave",
]


def amount(rng: random.Random) -> str:
    rupees = rng.choice((1299, 2499, 4999, 8500, 12999, 18500, 24990, 38500, 45000, 62000, 120000, 250000))
    indian = (
        f"{rupees:,}"
        if rupees < 100000
        else f"{rupees // 100000},{(rupees % 100000) // 1000:02d},{rupees % 1000:03d}"
    )
    return rng.choice(
        (
            f"Rs {indian}",
            f"Rs. {indian}",
            f"₹{indian}",
            f"₹ {indian}",
            f"INR {indian}",
            f"{indian} rupees",
            f"Rs {indian}/-",
            f"{rng.choice((1.5, 2, 4.5, 12, 45))} lakh",
            f"Rs {rupees // 1000}k",
        )
    )


def when(rng: random.Random) -> str:
    return rng.choice(
        (
            f"{rng.randint(2, 11)} months ago",
            f"{rng.randint(3, 60)} days ago",
            f"{rng.randint(2, 5)} weeks ago",
            f"on {rng.randint(1, 28)} {rng.choice(('March', 'April', 'June', 'September', 'November'))} 2024",
            f"on {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024",
            "last year",
            f"in {rng.choice(('January', 'August'))}",
            f"{rng.randint(1, 3)} years ago",
            "two weeks back",
            "last Diwali",
        )
    )


TEMPLATES: dict[str, dict[str, list[str]]] = {
    "dev": {
        "intro": [
            "My name is {name}. ",
            "I am {name} from {city}. ",
            "This is {name}, ",
            "Myself {name} from {city}. ",
            "Hi, {name} here. ",
            "my name is {name_lower} and ",
            "Hello, I'm {name}. ",
            "Dear Sir, I am {name}. ",
        ],
        "problem": [
            "I bought a {product} from {seller} in {city} for {amount} {when} and it stopped working. ",
            "{seller} delivered a damaged {product} {when}; I paid {amount} and they refuse a refund. ",
            "I ordered a {product} on {seller} for {amount} {when} but never received it. ",
            "The {product} I purchased from {seller}, {city} for {amount} has been defective since {when}. ",
            "My refund of {amount} from {seller} is pending since I returned the {product} {when}. ",
            "{seller} charged me {amount} twice for a {product} {when}. ",
            "I booked installation of my {product} with {seller} {when}, paid {amount}, nobody came to {city}. ",  # noqa: E501 (one template per line)
            "We live in {city}, {state} and {seller} sold us a {product} for {amount} {when} that never worked. ",  # noqa: E501 (one template per line)
        ],
        "identifier": [
            "My number is {phone}. ",
            "Call me on {phone}. ",
            "Aadhaar: {aadhaar}. ",
            "My Aadhaar number is {aadhaar}. ",
            "PAN {pan}. ",
            "my PAN card no is {pan}. ",
            "Passport number {passport}. ",
            "Voter ID {voter}. ",
            "The car number is {vehicle}. ",
            "Seller GSTIN {gstin}. ",
            "I paid via UPI {upi}. ",
            "Email me at {email}. ",
            "My SBI account number {account}. ",
            "I paid with card {card}. ",
            "Deliver to {address}. ",
            "My address is {address}. ",
            "My brother {other} also faced this. ",
            "Mobile: {phone}, alternate {phone}. ",
        ],
        "closing": [
            "Regards, {name}",
            "Thanks, {given}",
            "Please call {phone}.",
            "- {name}",
            "Please help. {name}",
        ],
    },
    "heldout": {
        "intro": [
            "Namaste, {name} this side. ",
            "{name} writing from {city}. ",
            "Respected sir, my name is {name_lower}. ",
            "Good morning, I am {given}, staying in {city}. ",
            "I, {name}, resident of {city}, want to complain. ",
            "Hello team, {name} here from {city}. ",
        ],
        "problem": [
            "Paid {amount} to {seller} for a {product} {when}, the item is fake. ",
            "{when} I got a {product} through {seller} ({city} branch) costing {amount}; warranty claim rejected. ",  # noqa: E501 (one template per line)
            "Our family purchased the {product} at {seller} in {city}, bill was {amount}, and it broke {when}. ",  # noqa: E501 (one template per line)
            "Despite paying {amount}, {seller} has not shipped my {product} ordered {when}. ",
            "The {seller} store at {city} sold me a used {product} as new for {amount} {when}. ",
            "Complaint against {seller} ({city}, {state}): {product} worth {amount}, bought {when}, dead on arrival. ",  # noqa: E501 (one template per line)
        ],
        "identifier": [
            "Reach me at {phone} anytime. ",
            "WhatsApp {phone}. ",
            "UIDAI number {aadhaar} is linked. ",
            "aadhar {aadhaar} ",
            "PAN no. {pan} ",
            "passport no. {passport} ",
            "EPIC no {voter}. ",
            "vehicle reg {vehicle} ",
            "their GST no is {gstin}. ",
            "refund to my VPA {upi} please. ",
            "mail id: {email} ",
            "a/c no. {account} (HDFC Bank) ",
            "debit card {card} was charged. ",
            "I stay at {address}. ",
            "The delivery address was {address}. ",
            "my husband {other} spoke to them. ",
            "Ph {phone} / {phone} ",
        ],
        "closing": [
            "Thank you. {name}",
            "Yours faithfully, {name}",
            "Kindly help. Contact: {phone}",
            "Sincerely, {given}",
        ],
    },
}


def address_parts(rng: random.Random) -> tuple[str, str, str, str]:
    """(street part, city, separator before the PIN, PIN) of a delivery address."""
    number = rng.randint(2, 999)
    house = rng.choice(
        (
            f"Flat {number}",
            f"House No. {number}",
            f"H.No. {rng.randint(1, 20)}-{rng.randint(1, 9)}-{number}",
            f"Plot {number}",
            f"#{number}",
            f"B-{number}",
            f"Door No. {number}",
            f"{number}",
        )
    )
    pieces = [house]
    if rng.random() < 0.5:
        pieces.append(rng.choice(BUILDINGS))
    pieces.append(rng.choice(STREETS))
    if rng.random() < 0.7:
        pieces.append(rng.choice(LOCALITIES))
    city = rng.choice(CITIES["dev"] + CITIES["heldout"])
    separator = rng.choice((" - ", " ", ", PIN ", "-", " PIN: "))
    return ", ".join(pieces), city, separator, pin_code(rng)
