// The starting state the journeys build on, written before the server starts: member schools,
// approved members, a program year, communities and a meeting happening now. Everything a
// journey is about (registering, signing up, RSVP, proposals...) is done in the browser.
import { lit, TIMEZONE } from './server.js';

export const PASSWORD = 'member-password-1';

// YYYY-MM-DD in the association's time zone, days from today.
export function isoDay(days = 0) {
	const when = new Date(Date.now() + days * 86400000);
	return new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE, year: 'numeric', month: '2-digit',
		day: '2-digit' }).format(when);
}

export function setUp(server) {
	const now = Math.floor(Date.now() / 1000);
	const first = Number(isoDay(-120).slice(0, 4));
	const yearName = `${first}-${first + 1}`;
	server.sql(`
		INSERT INTO schools (name, city, created_at) VALUES
			('Hillcrest Elementary', 'Springfield', ${now}),
			('Riverside Middle School', 'Shelbyville', ${now}),
			('Oak Grove High School', 'Capital City', ${now});
		INSERT INTO program_years (name, starts_on, ends_on, created_at) VALUES
			(${lit(yearName)}, ${lit(isoDay(-120))}, ${lit(isoDay(240))}, ${now});`);
	const members = {
		nurse1: { email: 'maria.lopez@hillcrest.test', name: 'Maria Lopez', school: 'Hillcrest Elementary' },
		nurse2: { email: 'sam.okafor@riverside.test', name: 'Sam Okafor', school: 'Riverside Middle School' },
		reader: { email: 'jo.park@oakgrove.test', name: 'Jo Park', school: 'Oak Grove High School' },
		facilitator: { email: 'lee.chen@hillcrest.test', name: 'Lee Chen', school: 'Hillcrest Elementary' },
		proposer: { email: 'dana.reyes@riverside.test', name: 'Dana Reyes', school: 'Riverside Middle School' },
		asker: { email: 'kim.nguyen@oakgrove.test', name: 'Kim Nguyen', school: 'Oak Grove High School' },
		answerer: { email: 'pat.morgan@hillcrest.test', name: 'Pat Morgan', school: 'Hillcrest Elementary' },
		keyboard: { email: 'ari.shah@riverside.test', name: 'Ari Shah', school: 'Riverside Middle School' },
	};
	for (const m of Object.values(members)) {
		server.addMember(m.email, m.name, m.school, PASSWORD);
		m.password = PASSWORD;
		m.id = Number(server.sqlValue(`SELECT id FROM users WHERE email = ${lit(m.email)}`));
	}
	const year = Number(server.sqlValue(`SELECT id FROM program_years WHERE name = ${lit(yearName)}`));
	// Journey 2: one seat, so the second member goes on the waitlist.
	// Journey 3: a community whose meeting is on now, with a facilitator and a participant.
	server.sql(`
		INSERT INTO communities (slug, name, audience, kind, description, status, year_id, seat_limit,
			signup_opens, signup_closes, commitment, created_at) VALUES
			('school-nurses', 'School Nurses Network', 'School Nurses', 'ongoing',
			 'Nurses from member schools share **practice** on health plans and wellness.',
			 'open', ${year}, 1, ${lit(isoDay(-10))}, ${lit(isoDay(30))},
			 'attend at least four of the five meetings', ${now}),
			('literacy-deep-dive', 'Literacy Deep Dive', 'Reading specialists', 'cohort',
			 'A cohort on early literacy: structured phonics, assessment and family reading.',
			 'active', ${year}, 25, NULL, NULL, '', ${now});
		INSERT INTO facilitators (community_id, user_id, role)
			SELECT id, ${members.facilitator.id}, 'facilitator' FROM communities WHERE slug = 'literacy-deep-dive';
		INSERT INTO memberships (community_id, user_id, status, signed_up_at)
			SELECT id, ${members.reader.id}, 'participant', ${now} FROM communities WHERE slug = 'literacy-deep-dive';
		INSERT INTO memberships (community_id, user_id, status, signed_up_at)
			SELECT id, ${members.keyboard.id}, 'participant', ${now} FROM communities WHERE slug = 'literacy-deep-dive';
		INSERT INTO meetings (community_id, number, title, starts_at, ends_at, format, venue, address,
			purpose, signin_code, uid, created_by, created_at, updated_at)
			SELECT id, 3, 'Assessment that guides instruction', ${now - 600}, ${now + 3000}, 'in_person',
			 'Hillcrest Elementary, Library', '12 Evergreen Terrace, Springfield',
			 'Bring one running record to discuss.', 'K7P4QX', 'browser-test-meeting-1@practica.test',
			 ${members.facilitator.id}, ${now}, ${now}
			FROM communities WHERE slug = 'literacy-deep-dive';`);
	const meeting = Number(server.sqlValue("SELECT id FROM meetings WHERE uid = 'browser-test-meeting-1@practica.test'"));
	return { members, year, yearName, meeting };
}
