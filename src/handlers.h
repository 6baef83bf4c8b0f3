/* Every page handler, for the route table in routes.c. Each feature file defines its own. */
#ifndef PRACTICA_HANDLERS_H
#define PRACTICA_HANDLERS_H
#include "http.h"

/* home.c */
void handle_landing(Req *r);
void handle_home(Req *r);
/* accounts.c */
void handle_login_page(Req *r);
void handle_login(Req *r);
void handle_logout(Req *r);
void handle_register_page(Req *r);
void handle_register(Req *r);
void handle_account_status(Req *r);
void handle_account(Req *r);
void handle_change_password(Req *r);
/* schools.c */
void handle_schools(Req *r);
void handle_admin_schools(Req *r);
void handle_admin_school_create(Req *r);
void handle_admin_school(Req *r);
void handle_admin_school_update(Req *r);
/* admin.c */
void handle_admin(Req *r);
void handle_admin_pending(Req *r);
void handle_admin_users(Req *r);
void handle_admin_approve(Req *r);
void handle_admin_decline(Req *r);
void handle_admin_role(Req *r);
void handle_admin_disable(Req *r);
void handle_admin_enable(Req *r);
/* communities.c */
void handle_communities(Req *r);
void handle_community(Req *r);
void handle_community_edit(Req *r);
void handle_community_update(Req *r);
void handle_community_new(Req *r);
void handle_community_create(Req *r);
void handle_facilitator_add(Req *r);
void handle_facilitator_remove(Req *r);
/* signup.c */
void handle_signup(Req *r);
void handle_withdraw(Req *r);
void handle_roster_csv(Req *r);
void handle_roster_remove(Req *r);
/* years.c */
void handle_years(Req *r);
void handle_year(Req *r);
void handle_admin_years(Req *r);
void handle_admin_year_create(Req *r);
void handle_milestone_create(Req *r);
void handle_milestone_delete(Req *r);
void handle_admin_calls(Req *r);
void handle_admin_call_create(Req *r);
void handle_calls(Req *r);
/* proposals.c */
void handle_call(Req *r);
void handle_proposal_create(Req *r);
void handle_proposal(Req *r);
void handle_proposal_update(Req *r);
void handle_proposal_comment(Req *r);
void handle_proposal_decision(Req *r);
/* assets.c */
void handle_static(Req *r);
/* routes.c */
void handle_health(Req *r);

#endif
